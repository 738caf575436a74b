// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest/tfcli"
	"github.com/dbt-scim/terraform-provider-dbt/internal/provider"
)

// providerAddr is the address the in-process provider is served under.
func providerAddr() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return host + "/" + tfcli.ProviderSource
}

// InProcessCLI runs the Terraform CLI in one working directory against the
// provider served from this test process, through Terraform's reattach
// mode as plugin-testing does. It is for what plugin-testing cannot do:
// applies that are allowed to fail, flags such as -parallelism, and timing
// one command.
type InProcessCLI struct {
	t       *testing.T
	bin     string
	dir     string
	rc      string
	opts    []provider.Option
	hasInit bool
}

// NewInProcessCLI prepares a working directory; opts build the provider.
func NewInProcessCLI(t *testing.T, opts ...provider.Option) *InProcessCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	PreCheck(t)
	bin, err := tfcli.Binary()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	rc := filepath.Join(home, "terraform.rc")
	if err := tfcli.WriteConfig(rc, ""); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(home, "work")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return &InProcessCLI{t: t, bin: bin, dir: dir, rc: rc, opts: opts}
}

// SetConfig writes the configuration, and runs init the first time.
func (c *InProcessCLI) SetConfig(hcl string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
	if !c.hasInit {
		if res := c.Run(2*time.Minute, "init", "-input=false", "-no-color"); res.Code != 0 {
			c.t.Fatalf("terraform init (exit %d): %v\n%s", res.Code, res.Err, res.Output)
		}
		c.hasInit = true
	}
}

// Run serves a fresh provider, runs terraform with args, and stops the
// provider again. Elapsed is the command's alone, not serving the provider.
func (c *InProcessCLI) Run(timeout time.Duration, args ...string) tfcli.Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	reattach, stop, err := c.serve(ctx)
	if err != nil {
		return tfcli.Result{Code: -1, Err: err}
	}
	defer stop()
	return tfcli.Run(ctx, tfcli.Command{
		Bin: c.bin, Dir: c.dir, Args: args,
		Env: tfcli.CleanEnv("TF_REATTACH_PROVIDERS="+reattach, "TF_CLI_CONFIG_FILE="+c.rc),
	})
}

// serve starts the provider in this process and returns the value of
// TF_REATTACH_PROVIDERS that points Terraform at it, and a function that
// stops it and waits until it has.
func (c *InProcessCLI) serve(ctx context.Context) (string, func(), error) {
	server, err := providerserver.NewProtocol6WithError(provider.New("test", c.opts...)())()
	if err != nil {
		return "", nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	cfgCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	errCh := make(chan error, 1)
	go func() {
		errCh <- tf6server.Serve(providerAddr(), func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(sctx, cfgCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(c.t))
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-cfgCh:
	case err := <-errCh:
		cancel()
		return "", nil, fmt.Errorf("serving the provider: %w", err)
	case <-time.After(30 * time.Second):
		cancel()
		return "", nil, fmt.Errorf("serving the provider: no reattach configuration after 30s")
	}
	type addr struct{ Network, String string }
	reattach, err := json.Marshal(map[string]any{providerAddr(): map[string]any{
		"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": cfg.Test,
		"Addr": addr{cfg.Addr.Network(), cfg.Addr.String()},
	}})
	if err != nil {
		cancel()
		return "", nil, err
	}
	stop := func() {
		cancel()
		<-closeCh
	}
	return string(reattach), stop, nil
}

// State is the state's managed resources: address to attributes.
type State map[string]map[string]any

// Attrs returns the attributes of one resource instance, nil if absent.
func (s State) Attrs(addr string) map[string]any { return s[addr] }

// State reads terraform.tfstate (format version 4).
func (c *InProcessCLI) State(t *testing.T) State {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return State{}
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   int `json:"version"`
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any            `json:"index_key"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("terraform.tfstate: %v", err)
	}
	if doc.Version != 4 {
		t.Fatalf("terraform.tfstate is format version %d, want 4", doc.Version)
	}
	out := State{}
	for _, r := range doc.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, inst := range r.Instances {
			addr := r.Type + "." + r.Name
			if inst.IndexKey != nil {
				addr += fmt.Sprintf("[%v]", inst.IndexKey)
			}
			out[addr] = inst.Attributes
		}
	}
	return out
}
