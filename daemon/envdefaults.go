package daemon

import "os"

// The environment variables that change the defaults of listen_address and
// data_dir, for a config that does not set them. The container image sets
// them, so that a config written for a laptop listens on every interface of
// the container and keeps its state in the image's volume.
const (
	envListenAddress = "BURNWATCH_LISTEN_ADDRESS"
	envDataDir       = "BURNWATCH_DATA_DIR"
)

// envDefault is the value of the environment variable name, or fallback
// when it is unset or empty.
func envDefault(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
