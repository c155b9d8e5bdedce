// Command caronboard takes an integration partner through the client-certificate
// lifecycle of the E-faktura CAR API and the Freja eID relying-party API.
package main

import (
	"os"

	"github.com/caronboard/caronboard/cmd"
)

func main() {
	os.Exit(cmd.Main())
}
