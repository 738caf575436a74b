// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// providerGroup is largeGroup at ProviderSizes (b only at
// ProviderChangeSizes), with the driver standing in for Terraform: the same
// RPCs and payloads, in a process of the provider's code alone. A refresh
// plan is one provider process (read, plan); an apply is two, as Terraform
// runs them: the plan walk (read, plan) and the apply walk (plan, apply).
func (r *runner) providerGroup(ctx context.Context) error {
	acct, err := startAccount(ctx)
	if err != nil {
		return err
	}
	defer acct.Close()
	largest := slices.Max(r.cfg.ProviderSizes)
	seeded, err := acct.emu.Seed(largest+1, 0, 0)
	if err != nil {
		return err
	}
	ids := seeded.UserIDs
	extra := ids[largest]
	payloads, err := newGroupPayloads(ctx, acct)
	if err != nil {
		return err
	}
	dir, err := r.workdir("provider")
	if err != nil {
		return err
	}
	refresh := [][]string{{"read", "plan"}}
	apply := [][]string{{"read", "plan"}, {"plan", "apply"}}

	for _, n := range r.cfg.ProviderSizes {
		name := fmt.Sprintf("bench-group-%d", n)
		members := slices.Clone(ids[:n])
		g, err := acct.emu.CreateGroupDirect(name, members)
		if err != nil {
			return err
		}
		label := thousands(n) + " members"

		res, err := r.measureDriver(ctx, acct, dir, step{id: fmt.Sprintf("a.provider/%d", n),
			scenario: "provider only: refresh one group of " + label, resources: 1, members: n},
			payloads, refresh, g.ID, name, members, members)
		if err != nil {
			return err
		}
		r.judgeRequests("refresh: one request per resource", res, 1)
		if !slices.Contains(r.cfg.ProviderChangeSizes, n) {
			continue
		}

		wanted := append(slices.Clone(members), extra)
		res, err = r.measureDriver(ctx, acct, dir, step{id: fmt.Sprintf("b.add.provider/%d", n),
			scenario: "provider only: add one member to the group of " + label, resources: 1, members: n + 1},
			payloads, apply, g.ID, name, members, wanted)
		if err != nil {
			return err
		}
		r.judgeOneMemberPatch(res, true)
		r.judgeMembers(acct, name, wanted, res.ID)

		members = wanted
		wanted = slices.Delete(slices.Clone(members), n/2, n/2+1)
		res, err = r.measureDriver(ctx, acct, dir, step{id: fmt.Sprintf("b.remove.provider/%d", n),
			scenario: "provider only: remove one member from the group of " + thousands(n+1), resources: 1, members: n},
			payloads, apply, g.ID, name, members, wanted)
		if err != nil {
			return err
		}
		r.judgeOneMemberPatch(res, false)
		r.judgeMembers(acct, name, wanted, res.ID)
	}
	return nil
}

// measureDriver runs one driver process per entry of processes, in order,
// with the group in state holding stateMembers and the configuration
// wanting configMembers, and records them as one result.
func (r *runner) measureDriver(ctx context.Context, acct *account, dir string, s step, p *groupPayloads,
	processes [][]string, id, name string, stateMembers, configMembers []string,
) (*Result, error) {
	fmt.Fprintf(r.cfg.Progress, "==> %-22s %s\n", s.id, s.scenario)
	acct.reset()
	res := &Result{ID: s.id, Scenario: s.scenario, Resources: s.resources, Members: s.members}
	var calls []string
	var err error
	for i, callList := range processes {
		calls = append(calls, strings.Join(callList, "+"))
		spec, serr := p.spec(callList, id, name, stateMembers, configMembers)
		if serr != nil {
			err = serr
			break
		}
		out, wall, derr := runDriverProcess(ctx, dir, fmt.Sprintf("%s-%d", strings.NewReplacer("/", "-", ".", "-").Replace(s.id), i), spec, r.cfg.Timeout, r.cfg.Profile)
		res.WallSeconds += seconds(wall)
		res.CPUSeconds += out.CPUSeconds
		res.ProviderCPUSeconds += out.CPUSeconds
		res.ProviderPeakBytes = max(res.ProviderPeakBytes, out.PeakBytes)
		res.ProviderPeakLiveHeapBytes = max(res.ProviderPeakLiveHeapBytes, out.PeakLiveHeap)
		res.ProviderProcesses++
		if derr != nil {
			err = derr
			break
		}
	}
	res.Command = strings.Join(calls, ", then ")
	t, terr := acct.traffic()
	if terr != nil && err == nil {
		err = terr
	}
	res.fillTraffic(t)
	r.rep.Results = append(r.rep.Results, res)
	r.progress(res)
	return res, err
}
