// Package osfs is an fs.FS over the operating system's files that opens
// paths exactly as the user wrote them, relative or absolute, so that
// diagnostics name files the way the user named them. (os.DirFS needs one
// root and rejects absolute paths.)
package osfs

import (
	"io/fs"
	"os"
)

// FS opens operating-system paths as given.
type FS struct{}

// Open opens a file.
func (FS) Open(name string) (fs.File, error) { return os.Open(name) }

// ReadDir lists a directory.
func (FS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

// Stat describes a file.
func (FS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// ReadFile reads a whole file.
func (FS) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }
