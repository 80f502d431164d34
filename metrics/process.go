package metrics

import (
	"crypto/sha256"
	"encoding/binary"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"
)

// processMetrics makes the metrics of the daemon process itself: its
// configuration reloads and its build.
func (m *Metrics) processMetrics(b *builder) {
	m.configSuccess = b.gauge("sluice_config_last_reload_successful",
		"1 when the last configuration reload succeeded, else 0.")
	m.configSuccessTime = b.gauge("sluice_config_last_reload_success_timestamp_seconds",
		"Unix time of the last successful configuration reload.")
	m.configHash = b.gauge("sluice_config_hash",
		"The first 48 bits of the loaded configuration's hash, as a number; it changes when the configuration does.")
	m.buildInfo = b.gaugeVec("sluice_build_info",
		"Always 1: the Sluice version and the Go version it was built with as labels.", "version", "goversion")
}

// ConfigReloaded records a configuration load at t. When ok, hash (the
// configuration's hex digest) and t become the loaded configuration's;
// when not, only sluice_config_last_reload_successful changes (to 0): the
// daemon keeps running on the configuration it had.
func (m *Metrics) ConfigReloaded(ok bool, hash string, t time.Time) {
	if !ok {
		m.configSuccess.Set(0)
		return
	}
	m.configSuccess.Set(1)
	m.configSuccessTime.Set(float64(t.UnixNano()) / 1e9)
	m.configHash.Set(HashValue(hash))
}

// HashValue returns the number sluice_config_hash exports for hash: its
// first 12 hexadecimal digits read as an integer (48 bits, exact in a
// float64), so the value printed in hexadecimal is the hash's prefix.
// A hash that does not start with 12 hexadecimal digits is hashed with
// SHA-256 first.
func HashValue(hash string) float64 {
	if len(hash) >= 12 {
		if v, err := strconv.ParseUint(hash[:12], 16, 64); err == nil {
			return float64(v)
		}
	}
	sum := sha256.Sum256([]byte(hash))
	var b [8]byte
	copy(b[2:], sum[:6])
	return float64(binary.BigEndian.Uint64(b[:]))
}

// SetBuildInfo sets sluice_build_info to version and the Go version of
// the running binary. An empty version means the main module's version
// from the binary's build information, "(devel)" when it has none.
func (m *Metrics) SetBuildInfo(version string) {
	if version == "" {
		version = "(devel)"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
			version = info.Main.Version
		}
	}
	m.buildInfo.Reset()
	m.buildInfo.WithLabelValues(version, runtime.Version()).Set(1)
}
