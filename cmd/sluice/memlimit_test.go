package main

import (
	"errors"
	"io/fs"
	"testing"
)

func TestCgroupMemoryLimit(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  int64
		ok    bool
	}{
		{name: "v2 limit", files: map[string]string{"/proc/self/cgroup": "0::/system.slice/sluice.service\n",
			"/sys/fs/cgroup/system.slice/sluice.service/memory.max": "536870912\n"}, want: 536870912, ok: true},
		{name: "v2 no limit", files: map[string]string{"/proc/self/cgroup": "0::/user.slice\n",
			"/sys/fs/cgroup/user.slice/memory.max": "max\n"}},
		{name: "v2 namespaced, at the root", files: map[string]string{"/proc/self/cgroup": "0::/\n",
			"/sys/fs/cgroup/memory.max": "268435456\n"}, want: 268435456, ok: true},
		{name: "v1 limit", files: map[string]string{"/proc/self/cgroup": "5:cpuacct,cpu:/\n4:memory:/docker/abc\n",
			"/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "1073741824\n"}, want: 1073741824, ok: true},
		{name: "v1 no limit", files: map[string]string{"/proc/self/cgroup": "4:memory:/process/x\n",
			"/sys/fs/cgroup/memory/process/x/memory.limit_in_bytes": "9223372036854771712\n"}},
		{name: "v1 path hidden, limit at the root", files: map[string]string{"/proc/self/cgroup": "4:memory:/docker/abc\n",
			"/sys/fs/cgroup/memory/memory.limit_in_bytes": "2147483648\n"}, want: 2147483648, ok: true},
		{name: "no cgroup file", files: map[string]string{}},
		{name: "garbage", files: map[string]string{"/proc/self/cgroup": "0::/x\n", "/sys/fs/cgroup/x/memory.max": "lots\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := func(name string) ([]byte, error) {
				if s, ok := tt.files[name]; ok {
					return []byte(s), nil
				}
				return nil, errors.Join(fs.ErrNotExist, errors.New(name))
			}
			got, ok := cgroupMemoryLimit(read)
			if got != tt.want || ok != tt.ok {
				t.Errorf("cgroupMemoryLimit = %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
