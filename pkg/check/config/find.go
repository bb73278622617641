package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// WorkingDirFile is the configuration file looked for in the working
// directory, a project's or a CI job's own.
const WorkingDirFile = ".kubectl-dualstack.yaml"

// Load reads the configuration file: explicit (--config) when given, else
// the first of SearchPaths that exists. No file found is the zero Config.
func Load(explicit string) (*Config, error) {
	path, err := find(explicit)
	switch {
	case err != nil:
		return nil, err
	case path == "":
		return &Config{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, unreadable(path, err)
	}
	return Parse(path, data)
}

// SearchPaths are where Load looks when no file is given, in order: the
// working directory's .kubectl-dualstack.yaml, then the user's
// $XDG_CONFIG_HOME/kubectl-dualstack/config.yaml (~/.config when
// XDG_CONFIG_HOME is unset or, as the XDG specification says to ignore
// it, not absolute).
func SearchPaths() []string {
	paths := []string{WorkingDirFile}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return paths // no home: no user configuration
		}
		dir = filepath.Join(home, ".config")
	}
	return append(paths, filepath.Join(dir, "kubectl-dualstack", "config.yaml"))
}

// find names the file Load reads, "" when none exists. A file that is
// there but cannot be looked at is an error, not a file skipped.
func find(explicit string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	for _, path := range SearchPaths() {
		info, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return "", unreadable(path, err)
		case info.IsDir():
			return "", &Error{File: path, Message: "is a directory, not a configuration file"}
		}
		return path, nil
	}
	return "", nil
}

// unreadable is a file's error without the path os repeats in it.
func unreadable(path string, err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err
	}
	return &Error{File: path, Message: "cannot read the configuration file: " + err.Error()}
}
