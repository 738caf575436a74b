// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

// Package scimcompat_test runs the provider's own SCIM client and wire types
// (internal/scim) against the emulator. It lives apart from the emulator's
// tests so that the emulator never imports internal/scim: the two stay
// independent implementations of RFC 7644 checking each other, and a
// client test inside package scim may import the emulator without a cycle.
package scimcompat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
	"github.com/dbt-scim/terraform-provider-dbt/internal/scim"
)

func setup(t *testing.T, cfg emulator.Config) (*emulator.Server, *scim.Client) {
	t.Helper()
	srv, err := emulator.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	srv.Emulator.SetSCIMConfig(emulator.SCIMConfig{Enabled: true, SCIMControlledLicenseType: true})
	_, tok := srv.Emulator.CreateToken("compat")
	c, err := scim.NewClient(scim.Config{
		BaseURL:        fmt.Sprintf("%s/v3/accounts/%d/scim/v2", srv.HostURL(), srv.Emulator.AccountID()),
		Token:          tok,
		MaxRetries:     3,
		RequestTimeout: 10 * time.Second,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// The emulator's bodies decode into the shared types with nothing lost.
func TestWireShapesDecodeIntoSharedTypes(t *testing.T) {
	srv, _ := setup(t, emulator.Config{})
	e := srv.Emulator
	u, err := e.CreateUserDirect(emulator.User{UserName: "jane@example.com", GivenName: "Jane", FamilyName: "Doe", ExternalID: "x1", Active: true, LicenseType: "it"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.CreateGroupDirect("Eng", []string{u.ID})
	if err != nil {
		t.Fatal(err)
	}
	tok := func() string { _, v := e.CreateToken("raw"); return v }()
	get := func(path string, out any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v3/accounts/1/scim/v2/"+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, body)
		}
	}

	var su scim.User
	get("Users/"+u.ID, &su)
	if su.ID != u.ID || su.UserName != "jane@example.com" || su.Name == nil || su.Name.GivenName != "Jane" || su.Active == nil || !*su.Active ||
		su.DBT == nil || su.DBT.LicenseType != "it" || su.PrimaryEmail() != "jane@example.com" || su.ExternalID != "x1" ||
		len(su.Groups) != 1 || su.Groups[0].Value != g.ID || su.Groups[0].Display != "Eng" || su.Meta == nil || su.Meta.ResourceType != "User" {
		t.Errorf("scim.User = %+v", su)
	}
	var sg scim.Group
	get("Groups/"+g.ID, &sg)
	if sg.ID != g.ID || sg.DisplayName != "Eng" || !slices.Equal(sg.MemberIDs(), []string{u.ID}) || sg.Members[0].Display != "jane@example.com" {
		t.Errorf("scim.Group = %+v", sg)
	}
	var list scim.ListResponse[scim.User]
	get("Users?filter=userName+eq+%22JANE%40example.com%22", &list)
	if list.TotalResults != 1 || len(list.Resources) != 1 || list.Resources[0].ID != u.ID {
		t.Errorf("scim.ListResponse = %+v", list)
	}
	var se scim.Error
	get("Users/nope", &se)
	if se.StatusCode() != http.StatusNotFound || se.Detail == "" {
		t.Errorf("scim.Error = %+v", se)
	}
}

func TestClientLifecycle(t *testing.T) {
	for _, noContent := range []bool{false, true} {
		t.Run(fmt.Sprintf("PatchNoContent=%v", noContent), func(t *testing.T) {
			srv, c := setup(t, emulator.Config{PatchNoContent: noContent})
			e := srv.Emulator
			ctx := context.Background()

			u := scim.NewUser()
			u.UserName, u.ExternalID, u.Active = "sam@example.com", "tf-1", scim.Bool(true)
			u.Name = &scim.Name{GivenName: "Sam", FamilyName: "Lee"}
			u.Emails = []scim.Email{{Value: "sam@example.com", Type: "work", Primary: true}}
			u.DBT = &scim.DBTUserExtension{LicenseType: scim.LicenseAnalyst}
			created, err := c.CreateUser(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if stored, ok := e.User(created.ID); !ok || stored.LicenseType != "analyst" || stored.ExternalID != "tf-1" {
				t.Errorf("stored = %+v", stored)
			}
			found, err := c.FindUserByUserName(ctx, "SAM@example.com")
			if err != nil || found == nil || found.ID != created.ID {
				t.Fatalf("FindUserByUserName = %+v, %v", found, err)
			}
			if _, err := c.CreateUser(ctx, u); !apierror.IsKind(err, apierror.KindConflict) {
				t.Errorf("second create: %v", err)
			}

			op, _ := scim.NewPatchOperation(scim.OpReplace, "active", false)
			patched, err := c.PatchUser(ctx, created.ID, []scim.PatchOperation{op})
			if err != nil || patched.Active == nil || *patched.Active {
				t.Errorf("PatchUser = %+v, %v", patched, err)
			}

			// Members in batches: 250 users in, then a diff.
			seed, err := e.Seed(250, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			g, err := c.CreateGroup(ctx, scim.Group{DisplayName: "Analysts"})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.UpdateGroupMembers(ctx, g.ID, seed.UserIDs, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.UpdateGroupMembers(ctx, g.ID, []string{created.ID}, seed.UserIDs[:100]); err != nil {
				t.Fatal(err)
			}
			stored, _ := e.Group(g.ID)
			want := append(slices.Clone(seed.UserIDs[100:]), created.ID)
			if !slices.Equal(stored.Members, want) {
				t.Errorf("members: %d, want %d", len(stored.Members), len(want))
			}
			read, err := c.GetGroup(ctx, g.ID, false)
			if err != nil || read.Members != nil || read.DisplayName != "Analysts" {
				t.Errorf("GetGroup without members = %+v, %v", read, err)
			}
			read, err = c.GetGroup(ctx, g.ID, true)
			if err != nil || !slices.Equal(read.MemberIDs(), want) {
				t.Errorf("GetGroup with members: %v", err)
			}
			rename, err := scim.NewPatchOperation(scim.OpReplace, "displayName", "Analytics")
			if err != nil {
				t.Fatal(err)
			}
			if err := c.PatchGroup(ctx, g.ID, []scim.PatchOperation{rename}); err != nil {
				t.Fatal(err)
			}
			if fg, err := c.FindGroupByDisplayName(ctx, "analytics", false); err != nil || fg == nil || fg.ID != g.ID {
				t.Errorf("FindGroupByDisplayName = %+v, %v", fg, err)
			}
			// Paging to totalResults: 251 users over pages of 100.
			all, err := c.ListUsers(ctx, "")
			if err != nil || len(all) != 251 {
				t.Errorf("ListUsers: %d, %v", len(all), err)
			}
			if err := c.DeleteGroup(ctx, g.ID); err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteGroup(ctx, g.ID); !apierror.IsNotFound(err) {
				t.Errorf("second delete: %v", err)
			}
			if err := c.DeleteUser(ctx, created.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A POST whose response is lost created the user anyway; the client must
// find it instead of failing or creating it twice.
func TestClientReconcilesLostCreate(t *testing.T) {
	srv, c := setup(t, emulator.Config{})
	e := srv.Emulator
	e.InjectFault(emulator.Fault{Method: http.MethodPost, PathContains: "/Users", Times: 1, DropResponse: true})
	u := scim.NewUser()
	u.UserName, u.ExternalID, u.Active = "lost@example.com", "tf-lost", scim.Bool(true)
	got, err := c.CreateUser(context.Background(), u)
	if err != nil {
		t.Fatalf("CreateUser after a lost response: %v", err)
	}
	if users := e.Users(); len(users) != 1 || users[0].ID != got.ID {
		t.Errorf("users = %+v", users)
	}
	posts := 0
	for _, r := range e.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("the client sent %d POSTs, want 1", posts)
	}
}

// Under StrictMemberRemoval a re-sent removal answers noTarget; the client
// re-reads the group and finishes.
func TestClientRecoversFromNoTarget(t *testing.T) {
	srv, c := setup(t, emulator.Config{StrictMemberRemoval: true})
	e := srv.Emulator
	seed, err := e.Seed(3, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	gid := seed.GroupIDs[0]
	// Someone removed user 0 in dbt meanwhile.
	if err := e.RemoveGroupMember(gid, seed.UserIDs[0]); err != nil {
		t.Fatal(err)
	}
	err = c.UpdateGroupMembers(context.Background(), gid, nil, seed.UserIDs[:2])
	var ae *apierror.Error
	if err != nil && errors.As(err, &ae) {
		t.Fatalf("UpdateGroupMembers: %v (%+v)", err, ae)
	} else if err != nil {
		t.Fatal(err)
	}
	if g, _ := e.Group(gid); !slices.Equal(g.Members, seed.UserIDs[2:]) {
		t.Errorf("members = %v", g.Members)
	}
}
