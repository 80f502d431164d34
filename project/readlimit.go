package project

import (
	"fmt"
	"io"
	"os"
)

// TooLargeError is what a Source's Read, or an Entry's, returns for a
// file larger than the source reads: the loader reports it as the
// finding file.too-large, and the file is not read past Limit+1 bytes.
type TooLargeError struct {
	// Size is the file's size in bytes, or -1 when it grew past Limit
	// while being read.
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("file grew past the limit of %d bytes while it was read", e.Limit)
	}
	return fmt.Sprintf("file is %d bytes, more than the limit of %d", e.Size, e.Limit)
}

// ReadLimited reads r, whose size is known to be size bytes (-1 when
// unknown), refusing it with a *TooLargeError when it holds more than
// limit bytes: before reading when size says so, and while reading when
// r yields more than it said (a file that grows), reading at most
// limit+1 bytes either way.
func ReadLimited(r io.Reader, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, &TooLargeError{Size: size, Limit: limit}
	}
	capacity := min(max(size, 0), limit) + 1
	buf := make([]byte, 0, capacity)
	data, err := readAll(io.LimitReader(r, limit+1), buf)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Size: -1, Limit: limit}
	}
	return data, nil
}

// readAll is io.ReadAll into buf, whose capacity is the expected size
// plus one, so that a file read to its end needs no second buffer.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// readFileLimited reads the file at path with ReadLimited, its size taken
// from the open file.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose on close
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return ReadLimited(f, st.Size(), limit)
}
