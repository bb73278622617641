package localcluster

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	certutil "k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

// identity is one user of the local apiserver, authenticated by a static token.
type identity struct {
	user   string
	groups []string
	token  string
}

// credentials are the files every component needs: the apiserver's serving
// certificate (its PEM also holds the CA that signed it, so it doubles as the
// clients' CA bundle), the service-account signing key and the token file.
type credentials struct {
	servingCert, servingKey             string
	serviceAccountKey                   string
	tokenFile                           string
	admin, controllerManager, scheduler identity
}

func writeCredentials(dir string) (*credentials, error) {
	c := &credentials{
		servingCert:       filepath.Join(dir, "apiserver.crt"),
		servingKey:        filepath.Join(dir, "apiserver.key"),
		serviceAccountKey: filepath.Join(dir, "service-account.key"),
		tokenFile:         filepath.Join(dir, "tokens.csv"),
		admin:             identity{user: "admin", groups: []string{"system:masters"}},
		// The bootstrap RBAC roles for these two users exist in every apiserver.
		controllerManager: identity{user: "system:kube-controller-manager"},
		scheduler:         identity{user: "system:kube-scheduler"},
	}
	cert, key, err := certutil.GenerateSelfSignedCertKey("localhost", []net.IP{net.ParseIP("127.0.0.1")}, nil)
	if err != nil {
		return nil, fmt.Errorf("generating serving certificate: %w", err)
	}
	saKey, err := keyutil.MakeEllipticPrivateKeyPEM()
	if err != nil {
		return nil, fmt.Errorf("generating service-account key: %w", err)
	}
	var tokens strings.Builder
	for _, id := range []*identity{&c.admin, &c.controllerManager, &c.scheduler} {
		id.token = randomToken()
		fmt.Fprintf(&tokens, "%s,%s,%s,%q\n", id.token, id.user, id.user, strings.Join(id.groups, ","))
	}
	for path, data := range map[string][]byte{
		c.servingCert:       cert,
		c.servingKey:        key,
		c.serviceAccountKey: saKey,
		c.tokenFile:         []byte(tokens.String()),
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// writeKubeconfig writes a kubeconfig for id against the apiserver at host.
func (c *credentials) writeKubeconfig(path, host string, id identity) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["localcluster"] = &clientcmdapi.Cluster{Server: host, CertificateAuthority: c.servingCert}
	cfg.AuthInfos[id.user] = &clientcmdapi.AuthInfo{Token: id.token}
	cfg.Contexts["localcluster"] = &clientcmdapi.Context{Cluster: "localcluster", AuthInfo: id.user, Namespace: "default"}
	cfg.CurrentContext = "localcluster"
	return clientcmd.WriteToFile(*cfg, path)
}

// restConfig is the in-process equivalent of writeKubeconfig.
func (c *credentials) restConfig(host string, id identity) *rest.Config {
	return &rest.Config{
		Host:            host,
		BearerToken:     id.token,
		TLSClientConfig: rest.TLSClientConfig{CAFile: c.servingCert},
		QPS:             200,
		Burst:           400,
	}
}
