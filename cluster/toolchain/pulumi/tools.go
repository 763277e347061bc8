//go:build tools

// The command this module builds; `go build <package>` needs it in the module graph.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
