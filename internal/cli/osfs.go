package cli

import (
	"io/fs"
	"os"
)

// osFS opens paths exactly as the user wrote them, relative or absolute, so
// that diagnostics name files the way the user named them. (os.DirFS would
// need one root and reject absolute paths.)
type osFS struct{}

func (osFS) Open(name string) (fs.File, error)          { return os.Open(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osFS) ReadFile(name string) ([]byte, error)       { return os.ReadFile(name) }
