// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dbt-scim/terraform-provider-dbt/internal/provider"
)

// The driver measures the provider's own share of a refresh or an apply of
// one large group: the RPCs Terraform makes (ReadResource,
// PlanResourceChange, ApplyResourceChange), with the same msgpack payloads,
// against the provider server built from the same code, in a process of its
// own so that its peak memory is the provider's alone.
//
// It exists because Terraform itself cannot get through a refresh of a
// 50,000-member set in reasonable time (see BENCHMARKS.md: Terraform core
// compares every pair of set elements after each ReadResource and
// ApplyResourceChange), so the real CLI cannot show what the provider
// costs at that size.

// driverEnv names the spec file a driver process runs; MaybeRunDriver acts
// on it.
const driverEnv = "DBT_BENCH_DRIVER_SPEC"

// groupType is the resource the driver exercises.
const groupType = "dbt_scim_group"

// driverSpec is one provider process's work, as Terraform would ask it.
type driverSpec struct {
	// Calls: "read" (ReadResource), "plan" (PlanResourceChange), "apply"
	// (ApplyResourceChange), in order. A plan after a read plans from the
	// read's new state; an apply applies the plan before it.
	Calls          []string `json:"calls"`
	ProviderConfig []byte   `json:"provider_config"` // msgpack DynamicValues
	State          []byte   `json:"state"`
	Config         []byte   `json:"config"`
	Proposed       []byte   `json:"proposed"`
	// CPUProfile, when set, is where the driver writes a pprof CPU profile
	// of its calls: the way to see where the provider's time goes.
	CPUProfile string `json:"cpu_profile,omitempty"`
}

// driverResult is what a driver process reports on stdout.
type driverResult struct {
	Seconds    map[string]float64 `json:"seconds"` // per call name, summed
	CPUSeconds float64            `json:"cpu_seconds"`
	PeakBytes  int64              `json:"peak_bytes"` // VmHWM of the driver process
	// PeakLiveHeap is the most heap any garbage collection found live: what
	// the provider holds, without the slack the collector's pacing adds to
	// VmHWM from run to run.
	PeakLiveHeap int64  `json:"peak_live_heap"`
	Error        string `json:"error,omitempty"`
}

// MaybeRunDriver runs the driver and exits when this process was started as
// one (by the bench harness, through os.Executable); otherwise it returns at
// once. Call it first thing in main, and in TestMain of tests that run the
// harness.
func MaybeRunDriver() {
	spec := os.Getenv(driverEnv)
	if spec == "" {
		return
	}
	res := runDriver(spec)
	_ = json.NewEncoder(os.Stdout).Encode(res)
	if res.Error != "" {
		os.Exit(1)
	}
	os.Exit(0)
}

func runDriver(specFile string) driverResult {
	res := driverResult{Seconds: map[string]float64{}}
	spec, err := loadSpec(specFile)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if spec.CPUProfile != "" {
		f, err := os.Create(spec.CPUProfile)
		if err != nil {
			res.Error = err.Error()
			return res
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			res.Error = err.Error()
			return res
		}
		defer pprof.StopCPUProfile()
	}
	stop := watchLiveHeap(&res.PeakLiveHeap)
	err = drive(context.Background(), spec, res.Seconds)
	stop()
	if err != nil {
		res.Error = err.Error()
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		res.CPUSeconds = seconds(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()))
	}
	res.PeakBytes = peakRSS(os.Getpid())
	return res
}

// watchLiveHeap keeps the largest live heap reported by the garbage
// collector in *peak until the returned function is called.
func watchLiveHeap(peak *int64) (stop func()) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			*peak = max(*peak, int64(sample[0].Value.Uint64())) //nolint:gosec // a heap size fits in int64
		}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		read()
	}
}

func loadSpec(file string) (driverSpec, error) {
	var spec driverSpec
	b, err := os.ReadFile(file) //nolint:gosec // written by the parent harness
	if err != nil {
		return spec, err
	}
	return spec, json.Unmarshal(b, &spec)
}

// drive makes the calls of spec against a fresh provider server, as
// Terraform does in one provider process: schema, configure, then the
// resource RPCs.
func drive(ctx context.Context, spec driverSpec, secs map[string]float64) error {
	srv := providerserver.NewProtocol6(provider.New("bench")())()
	if _, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		return err
	}
	cfg := tfprotov6.DynamicValue{MsgPack: spec.ProviderConfig}
	conf, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: &cfg})
	if err := firstError(conf, err); err != nil {
		return fmt.Errorf("ConfigureProvider: %w", err)
	}
	state := &tfprotov6.DynamicValue{MsgPack: spec.State}
	config := &tfprotov6.DynamicValue{MsgPack: spec.Config}
	proposed := &tfprotov6.DynamicValue{MsgPack: spec.Proposed}
	var private []byte
	var planned *tfprotov6.DynamicValue
	for _, call := range spec.Calls {
		began := time.Now()
		switch call {
		case "read":
			resp, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: groupType, CurrentState: state, Private: private})
			if err := firstError(resp, err); err != nil {
				return fmt.Errorf("ReadResource: %w", err)
			}
			state, private = resp.NewState, resp.Private
		case "plan":
			resp, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
				TypeName: groupType, PriorState: state, ProposedNewState: proposed, Config: config, PriorPrivate: private,
			})
			if err := firstError(resp, err); err != nil {
				return fmt.Errorf("PlanResourceChange: %w", err)
			}
			planned, private = resp.PlannedState, resp.PlannedPrivate
		case "apply":
			if planned == nil {
				return errors.New("apply without a plan before it")
			}
			resp, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
				TypeName: groupType, PriorState: state, PlannedState: planned, Config: config, PlannedPrivate: private,
			})
			if err := firstError(resp, err); err != nil {
				return fmt.Errorf("ApplyResourceChange: %w", err)
			}
			state, private = resp.NewState, resp.Private
		default:
			return fmt.Errorf("unknown call %q", call)
		}
		secs[call] += seconds(time.Since(began))
	}
	return nil
}

// firstError is err, or the first error diagnostic of resp.
func firstError(resp any, err error) error {
	if err != nil {
		return err
	}
	var diags []*tfprotov6.Diagnostic
	switch r := resp.(type) {
	case *tfprotov6.ConfigureProviderResponse:
		diags = r.Diagnostics
	case *tfprotov6.ReadResourceResponse:
		diags = r.Diagnostics
	case *tfprotov6.PlanResourceChangeResponse:
		diags = r.Diagnostics
	case *tfprotov6.ApplyResourceChangeResponse:
		diags = r.Diagnostics
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	return nil
}

// --- the parent's side ---------------------------------------------------------

// groupPayloads encodes, once per account, the values Terraform would send
// for a dbt_scim_group, using the provider's own schema.
type groupPayloads struct {
	objType tftypes.Object
	config  []byte // the provider block
}

func newGroupPayloads(ctx context.Context, acct *account) (*groupPayloads, error) {
	srv := providerserver.NewProtocol6(provider.New("bench")())()
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	rs, ok := sch.ResourceSchemas[groupType]
	if !ok {
		return nil, fmt.Errorf("the provider has no %s resource", groupType)
	}
	gt, ok := rs.ValueType().(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("%s is not an object type", groupType)
	}
	pt, ok := sch.Provider.ValueType().(tftypes.Object)
	if !ok {
		return nil, errors.New("the provider's schema is not an object type")
	}
	cfg, err := objectValue(pt, map[string]tftypes.Value{
		"host_url":   tftypes.NewValue(tftypes.String, acct.url),
		"account_id": tftypes.NewValue(tftypes.Number, 1),
		"scim_token": tftypes.NewValue(tftypes.String, acct.token),
	})
	if err != nil {
		return nil, err
	}
	return &groupPayloads{objType: gt, config: cfg}, nil
}

// objectValue encodes an object of type t with the given attributes set and
// every other attribute null.
func objectValue(t tftypes.Object, set map[string]tftypes.Value) ([]byte, error) {
	vals := make(map[string]tftypes.Value, len(t.AttributeTypes))
	for name, at := range t.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if _, ok := t.AttributeTypes[name]; !ok {
			return nil, fmt.Errorf("no attribute %q in the schema", name)
		}
		vals[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(t, tftypes.NewValue(t, vals))
	if err != nil {
		return nil, err
	}
	return dv.MsgPack, nil
}

func (p *groupPayloads) group(id, name string, members []string) ([]byte, error) {
	elems := make([]tftypes.Value, len(members))
	for i, m := range members {
		elems[i] = tftypes.NewValue(tftypes.String, m)
	}
	set := map[string]tftypes.Value{
		"display_name": tftypes.NewValue(tftypes.String, name),
		"members":      tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems),
	}
	if id != "" {
		set["id"] = tftypes.NewValue(tftypes.String, id)
	}
	return objectValue(p.objType, set)
}

// spec builds a driver spec: the group in state has stateMembers, the
// configuration wants configMembers.
func (p *groupPayloads) spec(calls []string, id, name string, stateMembers, configMembers []string) (driverSpec, error) {
	s := driverSpec{Calls: calls, ProviderConfig: p.config}
	var err error
	if s.State, err = p.group(id, name, stateMembers); err != nil {
		return s, err
	}
	if s.Config, err = p.group("", name, configMembers); err != nil {
		return s, err
	}
	// Terraform's proposed new state: the configuration, with computed
	// attributes (the id) carried over from the prior state.
	s.Proposed, err = p.group(id, name, configMembers)
	return s, err
}

// runDriverProcess starts this executable as a driver for spec and returns
// what it reports.
func runDriverProcess(ctx context.Context, dir, name string, spec driverSpec, timeout time.Duration, profile bool) (driverResult, time.Duration, error) {
	var res driverResult
	if profile {
		spec.CPUProfile = filepath.Join(dir, name+".cpu.pprof")
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return res, 0, err
	}
	file := filepath.Join(dir, name+".spec.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return res, 0, err
	}
	self, err := os.Executable()
	if err != nil {
		return res, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, self) //nolint:gosec // this very program, in driver mode
	cmd.Env = append(cleanEnv(), driverEnv+"="+file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	runErr := cmd.Run()
	wall := time.Since(began)
	// The last line of stdout is the result; test binaries may print more.
	var last string
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); strings.HasPrefix(l, "{") {
			last = l
		}
	}
	if err := json.Unmarshal([]byte(last), &res); err != nil {
		if runErr == nil {
			runErr = err
		}
		return res, wall, fmt.Errorf("driver %s reported no result (stderr: %s): %w", name, strings.TrimSpace(stderr.String()), runErr)
	}
	if res.Error != "" {
		return res, wall, fmt.Errorf("driver %s: %s", name, res.Error)
	}
	return res, wall, nil
}
