// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package scim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestDiffMembers(t *testing.T) {
	tests := []struct {
		name             string
		current, desired []string
		add, remove      []string
	}{
		{"both empty", nil, nil, nil, nil},
		{"all new", nil, []string{"c", "a", "b"}, []string{"a", "b", "c"}, nil},
		{"all gone", []string{"b", "a"}, nil, nil, []string{"a", "b"}},
		{"same set, other order", []string{"a", "b"}, []string{"b", "a"}, nil, nil},
		{"mixed", []string{"1", "2", "3"}, []string{"3", "4", "2", "5"}, []string{"4", "5"}, []string{"1"}},
		{"duplicates", []string{"a", "a", "b"}, []string{"c", "c", "a"}, []string{"c"}, []string{"b"}},
	}
	for _, tt := range tests {
		add, remove := DiffMembers(tt.current, tt.desired)
		if !reflect.DeepEqual(add, tt.add) || !reflect.DeepEqual(remove, tt.remove) {
			t.Errorf("%s: add=%v remove=%v, want add=%v remove=%v", tt.name, add, remove, tt.add, tt.remove)
		}
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%06d", prefix, i)
	}
	return out
}

// shape summarises requests as, per request, each op as "-" for a remove
// or "+k" for an add of k members.
func shape(t *testing.T, reqs []PatchRequest) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range reqs {
		if len(r.Schemas) != 1 || r.Schemas[0] != SchemaPatchOp {
			t.Fatalf("schemas = %v", r.Schemas)
		}
		var ops []string
		for _, op := range r.Operations {
			switch op.Op {
			case OpRemove:
				if !strings.HasPrefix(op.Path, `members[value eq "`) || op.Value != nil {
					t.Fatalf("bad remove %+v", op)
				}
				ops = append(ops, "-")
			case OpAdd:
				var vals []Member
				if op.Path != "members" {
					t.Fatalf("add path %q", op.Path)
				}
				if err := json.Unmarshal(op.Value, &vals); err != nil {
					t.Fatalf("add value %s: %v", op.Value, err)
				}
				ops = append(ops, fmt.Sprintf("+%d", len(vals)))
			default:
				t.Fatalf("op %q", op.Op)
			}
		}
		out = append(out, ops)
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// members names each id as membersFor would, with a userName.
func members(ids []string) []Member {
	out := make([]Member, len(ids))
	for i, id := range ids {
		out[i] = Member{Value: id, Display: id + "@example.com"}
	}
	return out
}

func TestMemberPatches(t *testing.T) {
	tests := []struct {
		name        string
		add, remove int
		max         int
		want        [][]string
	}{
		{"nothing", 0, 0, 0, nil},
		{"one add", 1, 0, 0, [][]string{{"+1"}}},
		{"one remove", 0, 1, 0, [][]string{{"-"}}},
		{"250 removals at 100", 0, 250, 100, [][]string{repeat("-", 100), repeat("-", 100), repeat("-", 50)}},
		{"250 additions at 100", 250, 0, 100, [][]string{{"+100"}, {"+100"}, {"+50"}}},
		{"default limit is 100", 0, 101, 0, [][]string{repeat("-", 100), {"-"}}},
		{"mixed fill", 30, 80, 100, [][]string{append(repeat("-", 80), "+20"), {"+10"}}},
		{"exact fit", 2, 2, 4, [][]string{{"-", "-", "+2"}}},
		{"limit of one", 2, 1, 1, [][]string{{"-"}, {"+1"}, {"+1"}}},
	}
	for _, tt := range tests {
		got := shape(t, MemberPatches(members(ids("a", tt.add)), ids("r", tt.remove), tt.max))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMemberPatchesKeepsEveryID(t *testing.T) {
	add, remove := ids("a", 123), ids("r", 77)
	reqs := MemberPatches(members(add), remove, 50)
	var gotAdd, gotRemove []string
	for _, r := range reqs {
		if n := len(r.Operations); n > 50 {
			t.Errorf("request with %d operations", n)
		}
		for _, op := range r.Operations {
			if op.Op == OpRemove {
				id := strings.TrimSuffix(strings.TrimPrefix(op.Path, `members[value eq "`), `"]`)
				gotRemove = append(gotRemove, id)
				continue
			}
			var vals []Member
			_ = json.Unmarshal(op.Value, &vals)
			for _, v := range vals {
				gotAdd = append(gotAdd, v.Value)
				if v.Display != v.Value+"@example.com" {
					t.Errorf("member %s sent with display %q", v.Value, v.Display)
				}
			}
		}
	}
	if !reflect.DeepEqual(gotAdd, add) || !reflect.DeepEqual(gotRemove, remove) {
		t.Errorf("ids lost or reordered")
	}
}

func TestMemberPatchesEscapes(t *testing.T) {
	reqs := MemberPatches([]Member{{Value: `a"b\c`, Display: `d"e@example.com`}}, []string{`x"y`}, 0)
	out, err := json.Marshal(reqs[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` +
		`{"op":"remove","path":"members[value eq \"x\\\"y\"]"},` +
		`{"op":"add","path":"members","value":[{"value":"a\"b\\c","display":"d\"e@example.com"}]}]}`
	if string(out) != want {
		t.Errorf("encoded\n%s\nwant\n%s", out, want)
	}
}

// Changing one member of a 50,000-member group is one request with one op.
func TestOneChangeInLargeGroup(t *testing.T) {
	current := ids("u", 50000)
	desired := append(append([]string{}, current[1:]...), "new")
	add, remove := DiffMembers(current, desired)
	reqs := MemberPatches(members(add), remove, 0)
	if got := shape(t, reqs); !reflect.DeepEqual(got, [][]string{{"-", "+1"}}) {
		t.Errorf("swap one member: %v", got)
	}
	add, remove = DiffMembers(current, current[1:])
	if got := shape(t, MemberPatches(members(add), remove, 0)); !reflect.DeepEqual(got, [][]string{{"-"}}) {
		t.Errorf("remove one member: %v", got)
	}
}

func BenchmarkDiffMembers50k(b *testing.B) {
	current := ids("u", 50000)
	desired := append(append([]string{}, current[500:]...), ids("n", 500)...)
	b.ReportAllocs()
	for b.Loop() {
		DiffMembers(current, desired)
	}
}

func BenchmarkMemberPatches50k(b *testing.B) {
	add, remove := members(ids("a", 25000)), ids("r", 25000)
	b.ReportAllocs()
	for b.Loop() {
		MemberPatches(add, remove, 100)
	}
}

func BenchmarkDecodeGroup50k(b *testing.B) {
	g := Group{ID: "g1", DisplayName: "big"}
	for _, id := range ids("", 50000) {
		g.Members = append(g.Members, Member{Value: id, Display: id + "@example.com"})
	}
	data, err := json.Marshal(g)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out Group
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}
