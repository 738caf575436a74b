// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dbt-scim/terraform-provider-dbt/internal/acctest"
	"github.com/dbt-scim/terraform-provider-dbt/internal/emulator"
)

// badInput is one invalid configuration and the diagnostic it must produce.
type badInput struct {
	name string
	// config is the whole configuration, provider block included. It runs
	// before setup, so it may mint the SCIM token it needs.
	config func(f badInputFixture) string
	// setup puts dbt in the state the case needs: a user that already
	// exists, a Team plan, SCIM turned off.
	setup func(t *testing.T, e *emulator.Emulator)
	// importTo and importID make the step `terraform import importTo importID`.
	importTo, importID string
	// want are pieces of Terraform's output, in order: the attribute (as
	// the framework names it, or as the source line Terraform quotes) and
	// what is wrong with it. Each is literal text, except that a space
	// matches any white space, since Terraform wraps long lines.
	want []string
	// planTime says the configuration alone shows the error, so it must
	// come from a plan (or an import) that sends dbt nothing but reads.
	planTime bool
	// undone says the apply may write, provided it undoes what it wrote: a
	// group is created without members and deleted again when adding them
	// fails. dbt must still end as it began.
	undone bool
}

// TestAccBadInputs feeds the provider invalid configurations, each against
// an emulator of its own, and checks three things of every one:
//
//  1. the diagnostic names the attribute and says what is wrong with it;
//  2. an error the configuration alone shows comes from the plan: the step
//     is a plan only, and dbt sees no request but reads;
//  3. nothing is left half-made: dbt holds the same tokens, users, groups,
//     memberships and SCIM settings afterwards, and carried out no write.
//
// Errors only dbt's state can show (a name already taken, an id that does
// not exist, an account on the Team plan or with SCIM off, a token dbt does
// not accept) come from the apply for resources, since planning a create
// asks dbt nothing; data sources meet them at plan time.
func TestAccBadInputs(t *testing.T) {
	acctest.PreCheck(t)
	// Cases that leave out token, account_id or scim_token must not find
	// one in the developer's environment. Setenv rules out t.Parallel here,
	// not in the subtests, which run in parallel with each other.
	clearProviderEnv(t)

	groups := []struct {
		name  string
		cases []badInput
	}{
		{"provider", badProviderInputs()},
		{"account", badAccountStates()},
		{"dbt_scim_settings", badSettingsInputs()},
		{"dbt_scim_token", badTokenInputs()},
		{"dbt_scim_user", badUserInputs()},
		{"dbt_scim_group", badGroupInputs()},
		{"dbt_scim_group_member", badMemberInputs()},
		{"data sources", badDataSourceInputs()},
	}
	total := 0
	for _, g := range groups {
		total += len(g.cases)
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			seen := map[string]bool{}
			for _, c := range g.cases {
				if seen[c.name] {
					t.Fatalf("two cases are named %q", c.name)
				}
				seen[c.name] = true
				t.Run(c.name, func(t *testing.T) { runBadInput(t, c) })
			}
		})
	}
	t.Logf("%d bad inputs", total)
}

func runBadInput(t *testing.T, c badInput) {
	srv := acctest.Emulator(t, emulator.Config{})
	e := srv.Emulator
	config := c.config(badInputFixture{srv: srv})
	if c.setup != nil {
		c.setup(t, e)
	}
	before := snapshotBadInput(e)
	e.ResetRequests()

	step := resource.TestStep{Config: config, ExpectError: badInputDiagnostic(c.want...)}
	if c.importID != "" {
		step.ResourceName, step.ImportState, step.ImportStateId = c.importTo, true, c.importID
	} else {
		step.PlanOnly = c.planTime
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories(),
		Steps:                    []resource.TestStep{step},
	})

	for _, r := range e.Requests() {
		switch {
		case r.Method == http.MethodGet:
		case c.planTime:
			t.Errorf("the configuration alone shows the error, yet dbt saw %s %s (%d)", r.Method, r.Path, r.Status)
		case r.Status >= 200 && r.Status < 300 && !c.undone:
			t.Errorf("dbt carried out %s %s (%d) for a configuration that failed", r.Method, r.Path, r.Status)
		}
	}
	if after := snapshotBadInput(e); after != before {
		t.Errorf("dbt changed: before %+v, after %+v", before, after)
	}
}

// badInputDiagnostic matches the pieces in order, anywhere in the output.
func badInputDiagnostic(pieces ...string) *regexp.Regexp {
	quoted := make([]string, len(pieces))
	for i, p := range pieces {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

// badInputSnapshot is what a failed configuration must leave as it was.
type badInputSnapshot struct {
	tokens, users, activeUsers, groups, memberships int
	settings                                        emulator.SCIMConfig
}

func snapshotBadInput(e *emulator.Emulator) badInputSnapshot {
	s := badInputSnapshot{tokens: len(e.Tokens()), settings: e.SCIMConfig()}
	for _, u := range e.Users() {
		s.users++
		if u.Active {
			s.activeUsers++
		}
	}
	for _, g := range e.Groups() {
		s.groups++
		s.memberships += len(g.Members)
	}
	return s
}

// The emulator numbers users from 1001 and groups from 900001; no object
// has the id badInputUnknownID.
const (
	badInputUserID    = "1001"
	badInputGroupID   = "900001"
	badInputUnknownID = "424242"
)

// badInputFixture builds the configurations of the cases.
type badInputFixture struct{ srv *emulator.Server }

// admin is a provider block with the admin credentials, changed by lines
// such as `token = "x"`; a line with nothing after "=" drops the attribute.
func (f badInputFixture) admin(changes ...string) string {
	lines := append([]string{
		"host_url = " + strconv.Quote(f.srv.HostURL()),
		fmt.Sprintf("account_id = %d", f.srv.Emulator.AccountID()),
		"token = " + strconv.Quote(acctest.AdminToken),
		"max_retries = 4",
	}, changes...)
	var order []string
	values := map[string]string{}
	for _, l := range lines {
		name, value, _ := strings.Cut(l, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if _, ok := values[name]; !ok {
			order = append(order, name)
		}
		values[name] = value
	}
	var b strings.Builder
	b.WriteString("provider \"dbt\" {\n")
	for _, name := range order {
		if values[name] != "" {
			fmt.Fprintf(&b, "  %s = %s\n", name, values[name])
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// directory is admin with a live SCIM token, which it mints (turning SCIM
// on to do so).
func (f badInputFixture) directory(changes ...string) string {
	return f.admin(append([]string{"scim_token = " + strconv.Quote(acctest.SCIMToken(f.srv))}, changes...)...)
}

// revokedSCIMToken mints a SCIM token and deletes it, as a rotation that
// left the old value in use would.
func (f badInputFixture) revokedSCIMToken() string {
	e := f.srv.Emulator
	tok, value := e.CreateToken("rotated away")
	e.DeleteToken(tok.ID)
	return value
}

// block is a resource or data block named "this"; kind is "resource" or
// "data", lines are its attributes.
func (badInputFixture) block(kind, typ string, lines ...string) string {
	return fmt.Sprintf("%s %q \"this\" {\n  %s\n}\n", kind, typ, strings.Join(lines, "\n  "))
}

func (f badInputFixture) user(lines ...string) string {
	return f.block("resource", "dbt_scim_user", lines...)
}

func (f badInputFixture) group(lines ...string) string {
	return f.block("resource", "dbt_scim_group", lines...)
}

func (f badInputFixture) member(groupID, userID string) string {
	return f.block("resource", "dbt_scim_group_member",
		"group_id = "+strconv.Quote(groupID), "user_id = "+strconv.Quote(userID))
}

func badInputCreateUser(t *testing.T, e *emulator.Emulator, userName, license string, active bool) {
	t.Helper()
	if _, err := e.CreateUserDirect(emulator.User{UserName: userName, Active: active, LicenseType: license}); err != nil {
		t.Fatalf("creating user %s: %v", userName, err)
	}
}

func badInputCreateGroup(t *testing.T, e *emulator.Emulator, name string, members ...string) {
	t.Helper()
	if _, err := e.CreateGroupDirect(name, members); err != nil {
		t.Fatalf("creating group %s: %v", name, err)
	}
}

func badProviderInputs() []badInput {
	q := strconv.Quote
	// The settings data source reads dbt at plan time, so it is the
	// configuration's first contact with dbt; a resource would plan
	// without asking dbt anything.
	settings := func(changes ...string) func(badInputFixture) string {
		return func(f badInputFixture) string { return f.admin(changes...) + f.block("data", "dbt_scim_settings") }
	}
	hostURL := func(v string, want ...string) badInput {
		if len(want) == 0 {
			want = []string{q(v) + " is not an absolute https:// URL"}
		}
		return badInput{
			name:     fmt.Sprintf("host_url %q", v),
			config:   settings("host_url = " + q(v)),
			want:     append([]string{"Invalid dbt host URL", "host_url = " + q(v)}, want...),
			planTime: true,
		}
	}
	accountID := func(v int) badInput {
		return badInput{
			name:     fmt.Sprintf("account_id %d", v),
			config:   settings(fmt.Sprintf("account_id = %d", v)),
			want:     []string{"Invalid number", fmt.Sprintf("account_id must be a whole number of at least 1, such as the ID in your dbt account's URL; got %d.", v)},
			planTime: true,
		}
	}
	timeout := func(v, why string) badInput {
		return badInput{
			name:     fmt.Sprintf("request_timeout %q", v),
			config:   settings("request_timeout = " + q(v)),
			want:     []string{"Invalid duration", "request_timeout = " + q(v), q(v) + why},
			planTime: true,
		}
	}
	between := func(attr string, v, lo, hi int) badInput {
		return badInput{
			name:     fmt.Sprintf("%s %d", attr, v),
			config:   settings(fmt.Sprintf("%s = %d", attr, v)),
			want:     []string{fmt.Sprintf("Attribute %s value must be between %d and %d, got: %d", attr, lo, hi, v)},
			planTime: true,
		}
	}
	missingSCIMToken := func(what string, config func(f badInputFixture) string) badInput {
		return badInput{
			name:     "scim_token missing for " + what,
			config:   func(f badInputFixture) string { return f.admin() + config(f) },
			want:     []string{"Missing SCIM token", "scim_token attribute or the DBT_SCIM_TOKEN"},
			planTime: true,
		}
	}
	rejectedSCIMToken := []string{"Cannot list users", "401 unauthorized", "dbt did not accept the SCIM token",
		"scim_token attribute"}
	return []badInput{
		hostURL("cloud.getdbt.com/api"),
		hostURL("ftp://cloud.getdbt.com/api"),
		hostURL("https://"),
		hostURL("http://dbt.example.com/api", "uses http://, which would send the API tokens in cleartext. Use https://."),
		{
			// The message does not repeat the password (validators' unit test);
			// Terraform itself quotes the configuration line.
			name:     "host_url with a password",
			config:   settings(`host_url = "https://ada:hunter2@cloud.getdbt.com/api"`),
			want:     []string{"Invalid dbt host URL", "carries a user name or password", "token and scim_token attributes"},
			planTime: true,
		},
		accountID(0),
		accountID(-7),
		{
			name:     "account_id of another account",
			config:   settings("account_id = 2"),
			want:     []string{"Cannot read the SCIM settings", "404 not found", "Check the account_id"},
			planTime: true,
		},
		{
			name:     "account_id not a whole number",
			config:   settings("account_id = 1.5"),
			want:     []string{"Invalid number", "account_id = 1.5", "account_id must be a whole number of at least 1", "got 1.5"},
			planTime: true,
		},
		{
			// dbt's API lives under /api: without it every call is a 404,
			// and the hint names host_url.
			name: "host_url without /api",
			config: func(f badInputFixture) string {
				return f.admin("host_url = "+q(f.srv.URL)) + f.block("data", "dbt_scim_settings")
			},
			want:     []string{"Cannot read the SCIM settings", "404 not found", "host_url", "ending in /api"},
			planTime: true,
		},
		{
			name:     "token only white space",
			config:   settings(`token = "   "`),
			want:     []string{"Blank token", "token attribute or the DBT_CLOUD_TOKEN environment variable is set, but only to white space"},
			planTime: true,
		},
		{
			name:     "account_id missing",
			config:   settings("account_id ="),
			want:     []string{"Missing dbt account ID", "account_id attribute or the DBT_CLOUD_ACCOUNT_ID"},
			planTime: true,
		},
		{
			name:     "token missing",
			config:   settings("token ="),
			want:     []string{"Missing dbt API token", "token attribute or the DBT_CLOUD_TOKEN"},
			planTime: true,
		},
		{
			name:     "token wrong",
			config:   settings(`token = "not-the-admin-token"`),
			want:     []string{"Cannot read the SCIM settings", "401 unauthorized", "dbt did not accept the API token", "token attribute"},
			planTime: true,
		},
		timeout("soon", " is not a duration"),
		timeout("30", " is not a duration"), // no unit
		timeout("0s", " must be greater than zero"),
		timeout("-5s", " must be greater than zero"),
		between("max_retries", -1, 0, 20),
		between("max_retries", 21, 0, 20),
		between("scim_patch_batch_size", 0, 1, 1000),
		between("scim_patch_batch_size", 1001, 1, 1000),
		{
			name: "scim_base_url without a scheme",
			config: func(f badInputFixture) string {
				return f.directory(`scim_base_url = "scim.example.com/v2"`) + f.block("data", "dbt_scim_users")
			},
			want: []string{"Invalid SCIM base URL", `scim_base_url = "scim.example.com/v2"`,
				`"scim.example.com/v2" is not an absolute https:// URL`},
			planTime: true,
		},
		missingSCIMToken("dbt_scim_users", func(f badInputFixture) string { return f.block("data", "dbt_scim_users") }),
		missingSCIMToken("dbt_scim_user", func(f badInputFixture) string { return f.user(`user_name = "jane@example.com"`) }),
		missingSCIMToken("dbt_scim_group", func(f badInputFixture) string { return f.group(`display_name = "Analysts"`) }),
		missingSCIMToken("dbt_scim_group_member", func(f badInputFixture) string {
			return f.member(badInputGroupID, badInputUserID)
		}),
		{
			name: "scim_token wrong",
			config: func(f badInputFixture) string {
				return f.directory(`scim_token = "dbtc_scim_not-a-token"`) + f.block("data", "dbt_scim_users")
			},
			want:     rejectedSCIMToken,
			planTime: true,
		},
		{
			name: "scim_token deleted",
			config: func(f badInputFixture) string {
				return f.directory("scim_token = "+q(f.revokedSCIMToken())) + f.block("data", "dbt_scim_users")
			},
			want:     append(rejectedSCIMToken, "deleted or rotated"),
			planTime: true,
		},
	}
}

// badAccountStates are configurations that are valid but that the account
// refuses: only dbt knows its plan, whether SCIM is on, and which tokens it
// accepts, so resources meet these at apply time. Data sources read at plan
// time, and fail there.
func badAccountStates() []badInput {
	teamPlan := func(_ *testing.T, e *emulator.Emulator) { e.SetPlan(emulator.PlanTeam) }
	scimOff := func(_ *testing.T, e *emulator.Emulator) { e.SetSCIMConfig(emulator.SCIMConfig{}) }
	// dbt's message says which refusal it is; the provider's hint says
	// what to do about it.
	adminEnterprise := []string{"403 forbidden", "only available on the Enterprise plan",
		"SCIM needs a dbt Enterprise plan"}
	scimEnterprise := []string{"403 forbidden", "only available on the Enterprise plan",
		"dbt refuses SCIM requests unless the account is on a dbt Enterprise plan"}
	scimDisabled := []string{"403 forbidden", "SCIM is disabled",
		"enable SCIM with a dbt_scim_settings resource (enabled = true)"}
	wrongAdminToken := []string{"401 unauthorized", "dbt did not accept the API token", "token attribute"}
	wrongSCIMToken := []string{"401 unauthorized", "dbt did not accept the SCIM token", "scim_token attribute"}
	token := func(f badInputFixture) string { return f.block("resource", "dbt_scim_token", `name = "okta"`) }
	user := func(f badInputFixture) string { return f.user(`user_name = "jane@example.com"`) }
	group := func(f badInputFixture) string { return f.group(`display_name = "Analysts"`) }
	return []badInput{
		{
			name:     "team plan: dbt_scim_settings data source",
			config:   func(f badInputFixture) string { return f.admin() + f.block("data", "dbt_scim_settings") },
			setup:    teamPlan,
			want:     append([]string{"Cannot read the SCIM settings"}, adminEnterprise...),
			planTime: true,
		},
		{
			name:   "team plan: dbt_scim_settings",
			config: func(f badInputFixture) string { return f.admin() + f.block("resource", "dbt_scim_settings") },
			setup:  teamPlan,
			want:   append([]string{"Cannot write the SCIM settings"}, adminEnterprise...),
		},
		{
			name:   "team plan: dbt_scim_token",
			config: func(f badInputFixture) string { return f.admin() + token(f) },
			setup:  teamPlan,
			want:   append([]string{`Cannot create SCIM token "okta"`}, adminEnterprise...),
		},
		{
			name:   "team plan: dbt_scim_user",
			config: func(f badInputFixture) string { return f.directory() + user(f) },
			setup:  teamPlan,
			want:   append([]string{`Cannot create user "jane@example.com"`}, scimEnterprise...),
		},
		{
			name:     "team plan: dbt_scim_groups data source",
			config:   func(f badInputFixture) string { return f.directory() + f.block("data", "dbt_scim_groups") },
			setup:    teamPlan,
			want:     append([]string{"Cannot list groups"}, scimEnterprise...),
			planTime: true,
		},
		{
			name:   "SCIM disabled: dbt_scim_user",
			config: func(f badInputFixture) string { return f.directory() + user(f) },
			setup:  scimOff,
			want:   append([]string{`Cannot create user "jane@example.com"`}, scimDisabled...),
		},
		{
			name:   "SCIM disabled: dbt_scim_group",
			config: func(f badInputFixture) string { return f.directory() + group(f) },
			setup:  scimOff,
			want:   append([]string{`Cannot create group "Analysts"`}, scimDisabled...),
		},
		{
			name:   "SCIM disabled: dbt_scim_group_member",
			config: func(f badInputFixture) string { return f.directory() + f.member(badInputGroupID, badInputUserID) },
			setup: func(t *testing.T, e *emulator.Emulator) {
				badInputCreateUser(t, e, "jane@example.com", "developer", true)
				badInputCreateGroup(t, e, "Analysts")
				scimOff(t, e)
			},
			want: append([]string{"Cannot add user " + badInputUserID + " to group " + badInputGroupID}, scimDisabled...),
		},
		{
			name:     "SCIM disabled: dbt_scim_users data source",
			config:   func(f badInputFixture) string { return f.directory() + f.block("data", "dbt_scim_users") },
			setup:    scimOff,
			want:     append([]string{"Cannot list users"}, scimDisabled...),
			planTime: true,
		},
		{
			name:   "token wrong: dbt_scim_token",
			config: func(f badInputFixture) string { return f.admin(`token = "not-the-admin-token"`) + token(f) },
			want:   append([]string{`Cannot create SCIM token "okta"`}, wrongAdminToken...),
		},
		{
			name: "token wrong: dbt_scim_settings",
			config: func(f badInputFixture) string {
				return f.admin(`token = "not-the-admin-token"`) + f.block("resource", "dbt_scim_settings")
			},
			want: append([]string{"Cannot write the SCIM settings"}, wrongAdminToken...),
		},
		{
			name: "scim_token wrong: dbt_scim_user",
			config: func(f badInputFixture) string {
				return f.directory(`scim_token = "dbtc_scim_not-a-token"`) + user(f)
			},
			want: append([]string{`Cannot create user "jane@example.com"`}, wrongSCIMToken...),
		},
		{
			name: "scim_token deleted: dbt_scim_group",
			config: func(f badInputFixture) string {
				return f.directory("scim_token = "+strconv.Quote(f.revokedSCIMToken())) + group(f)
			},
			want: append([]string{`Cannot create group "Analysts"`}, wrongSCIMToken...),
		},
	}
}

func badSettingsInputs() []badInput {
	imp := func(id string) badInput {
		return badInput{
			name:     fmt.Sprintf("import %q", id),
			config:   func(f badInputFixture) string { return f.admin() + f.block("resource", "dbt_scim_settings") },
			importTo: "dbt_scim_settings.this",
			importID: id,
			want: []string{"Wrong account ID to import",
				"must be the dbt account ID the provider is configured for (1)", fmt.Sprintf("got %q", id)},
			planTime: true,
		}
	}
	return []badInput{imp("abc"), imp("1/2/3"), imp("2"), imp("account=1")}
}

func badTokenInputs() []badInput {
	q := strconv.Quote
	token := func(name string, lines ...string) badInput {
		return badInput{
			name: name,
			config: func(f badInputFixture) string {
				return f.admin() + f.block("resource", "dbt_scim_token", lines...)
			},
			planTime: true,
		}
	}
	nameLength := func(n int) badInput {
		c := token(fmt.Sprintf("name of %d characters", n), "name = "+q(strings.Repeat("n", n)))
		c.want = []string{fmt.Sprintf("Attribute name string length must be between 1 and 255, got: %d", n)}
		return c
	}
	period := func(v, why string) badInput {
		c := token(fmt.Sprintf("rotation_period %q", v), `name = "okta"`, "rotation_period = "+q(v))
		c.want = []string{"Invalid duration", "rotation_period = " + q(v), q(v) + " " + why}
		return c
	}
	imp := func(id string, want ...string) badInput {
		c := token(fmt.Sprintf("import %q", id), `name = "okta"`)
		c.importTo, c.importID, c.want = "dbt_scim_token.this", id, want
		return c
	}
	malformed := func(id string) badInput {
		return imp(id, "Invalid SCIM token ID", "A SCIM token ID is a positive whole number", fmt.Sprintf("got %q", id))
	}
	return []badInput{
		nameLength(0),
		nameLength(256),
		func() badInput {
			c := token("name only white space", `name = "   "`)
			c.want = []string{"Attribute name must not be only white space"}
			return c
		}(),
		func() badInput {
			c := token("an attribute the resource does not have", `name = "okta"`, `value = "x"`)
			c.want = []string{"Unsupported argument", `An argument named "value" is not expected here`}
			return c
		}(),
		period("0s", "must be greater than zero"),
		period("-24h", "must be greater than zero"),
		period("90d", "is not a duration"),
		period("2160", "is not a duration"),
		period("", "is not a duration"),
		malformed("abc"),
		malformed("1/2/3"),
		malformed("0"),
		malformed("-4"),
		imp("999", "Cannot import non-existent remote object", `"dbt_scim_token.this"`, "no object exists with the given id"),
	}
}

func badUserInputs() []badInput {
	q := strconv.Quote
	user := func(name string, lines ...string) badInput {
		return badInput{
			name:     name,
			config:   func(f badInputFixture) string { return f.directory() + f.user(lines...) },
			planTime: true,
		}
	}
	email := func(v string) badInput {
		c := user(fmt.Sprintf("user_name %q", v), "user_name = "+q(v))
		c.want = []string{"Attribute user_name must be an email address, such as jane@example.com, got: " + v}
		return c
	}
	long := user("user_name of 255 characters", "user_name = "+q(strings.Repeat("j", 243)+"@example.com"))
	long.want = []string{"Attribute user_name string length must be at most 254, got: 255"}
	atLeastOne := func(attr string) badInput {
		c := user(attr+" empty", `user_name = "jane@example.com"`, attr+` = ""`)
		c.want = []string{fmt.Sprintf("Attribute %s string length must be at least 1, got: 0", attr)}
		return c
	}
	license := func(v string) badInput {
		c := user(fmt.Sprintf("license_type %q", v), `user_name = "jane@example.com"`, "license_type = "+q(v))
		c.want = []string{`Attribute license_type value must be one of: ["developer" "read_only" "analyst" "it"], got: ` + q(v)}
		return c
	}
	// Only dbt knows a user name is taken: these fail at apply, with the
	// import that adopts the user instead.
	taken := func(name, existing, userName string, active bool, extra ...string) badInput {
		c := user(name, "user_name = "+q(userName))
		c.setup = func(t *testing.T, e *emulator.Emulator) {
			badInputCreateUser(t, e, existing, "developer", active)
		}
		c.want = append([]string{"User already exists in dbt", "user_name = " + q(userName),
			"SCIM id " + badInputUserID, "terraform import dbt_scim_user.<name> userName=" + userName}, extra...)
		c.planTime = false
		return c
	}
	imp := func(id string, want ...string) badInput {
		c := user(fmt.Sprintf("import %q", id), `user_name = "jane@example.com"`)
		c.importTo, c.importID, c.want = "dbt_scim_user.this", id, want
		return c
	}
	malformed := func(id string) badInput {
		return imp(id, "Invalid import ID", "by user name as userName=<email>", fmt.Sprintf("got %q", id))
	}
	notThere := func(id string) badInput {
		return imp(id, "Cannot import non-existent remote object", `"dbt_scim_user.this"`, "no object exists with the given id")
	}
	return []badInput{
		{
			name:     "user_name missing",
			config:   func(f badInputFixture) string { return f.directory() + f.user(`given_name = "Jane"`) },
			want:     []string{`The argument "user_name" is required`},
			planTime: true,
		},
		email(""),
		email("jane"),
		email("jane@example"),
		email("jane doe@example.com"),
		email("jane@@example.com"),
		long,
		atLeastOne("given_name"),
		atLeastOne("family_name"),
		atLeastOne("external_id"),
		license("admin"),
		license("Developer"),
		license(""),
		taken("user_name taken", "jane@example.com", "jane@example.com", true),
		taken("user_name taken in another case", "jane@example.com", "JANE@Example.com", true,
			"differs from user_name only in case", `set user_name = "jane@example.com"`),
		taken("user_name taken by a deactivated user", "jane@example.com", "jane@example.com", false, "deactivated"),
		malformed("userName="),
		malformed("userName=  "),
		malformed("displayName=Jane"),
		notThere("abc"),
		notThere("1/2/3"),
		imp("userName=nobody@example.com", "No such user in dbt", `no user with userName "nobody@example.com"`),
	}
}

func badGroupInputs() []badInput {
	group := func(name string, lines ...string) badInput {
		return badInput{
			name:     name,
			config:   func(f badInputFixture) string { return f.directory() + f.group(lines...) },
			planTime: true,
		}
	}
	emptyName := group("display_name empty", `display_name = ""`)
	emptyName.want = []string{"Attribute display_name string length must be at least 1, got: 0"}
	emptyExternalID := group("external_id empty", `display_name = "Analysts"`, `external_id = ""`)
	emptyExternalID.want = []string{"Attribute external_id string length must be at least 1, got: 0"}
	emptyMember := group("members with an empty id", `display_name = "Analysts"`, `members = ["`+badInputUserID+`", ""]`)
	emptyMember.want = []string{`Attribute members[Value("")] string length must be at least 1, got: 0`}

	// Only dbt knows which users exist, which hold a license, and which
	// names are taken: these fail at apply.
	unknownMember := group("members with an unknown id", `display_name = "Analysts"`,
		fmt.Sprintf("members = [%q, %q]", badInputUserID, badInputUnknownID))
	unknownMember.setup = func(t *testing.T, e *emulator.Emulator) {
		badInputCreateUser(t, e, "jane@example.com", "developer", true)
	}
	unknownMember.want = []string{`Cannot create group "Analysts"`, "Nothing was created",
		fmt.Sprintf("member %q is not a user of this account", badInputUnknownID), "Every id in members must be"}
	unknownMember.planTime = false
	unknownMember.undone = true

	unlicensed := group("members with a user without a license", `display_name = "Analysts"`,
		fmt.Sprintf("members = [%q]", badInputUserID))
	unlicensed.setup = func(t *testing.T, e *emulator.Emulator) { badInputCreateUser(t, e, "jane@example.com", "", true) }
	unlicensed.want = []string{`Cannot create group "Analysts"`, "deleted again", "400 bad request",
		"All users must have licenses", "The users this request added: jane@example.com (" + badInputUserID + ")",
		"until they accept dbt's email invitation", "scim_controlled_license_type"}
	unlicensed.planTime = false
	unlicensed.undone = true

	taken := group("display_name taken", `display_name = "finance"`)
	taken.setup = func(t *testing.T, e *emulator.Emulator) { badInputCreateGroup(t, e, "Finance") }
	taken.want = []string{"Group already exists in dbt", `display_name = "finance"`, "SCIM id " + badInputGroupID,
		`named "Finance": names are compared without regard to case`,
		"terraform import dbt_scim_group.<name> 'displayName=finance'"}
	taken.planTime = false

	imp := func(id string, want ...string) badInput {
		c := group(fmt.Sprintf("import %q", id), `display_name = "Analysts"`)
		c.importTo, c.importID, c.want = "dbt_scim_group.this", id, want
		return c
	}
	malformed := func(id string) badInput {
		return imp(id, "Invalid import ID", "by name as displayName=<name>", fmt.Sprintf("got %q", id))
	}
	notThere := func(id string) badInput {
		return imp(id, "Cannot import non-existent remote object", `"dbt_scim_group.this"`, "no object exists with the given id")
	}
	return []badInput{
		emptyName,
		emptyExternalID,
		emptyMember,
		unknownMember,
		unlicensed,
		taken,
		malformed("displayName="),
		malformed("userName=jane@example.com"),
		notThere("abc"),
		notThere("1/2/3"),
		imp("displayName=Nobody", "No such group in dbt", `no group named "Nobody"`),
	}
}

func badMemberInputs() []badInput {
	member := func(name, groupID, userID string) badInput {
		return badInput{
			name:     name,
			config:   func(f badInputFixture) string { return f.directory() + f.member(groupID, userID) },
			planTime: true,
		}
	}
	emptyGroup := member("group_id empty", "", badInputUserID)
	emptyGroup.want = []string{"Attribute group_id string length must be at least 1, got: 0"}
	emptyUser := member("user_id empty", badInputGroupID, "")
	emptyUser.want = []string{"Attribute user_id string length must be at least 1, got: 0"}
	slashGroup := member("group_id with a slash", badInputGroupID+"/"+badInputUserID, badInputUserID)
	slashGroup.want = []string{"Attribute group_id must not contain a slash"}
	slashUser := member("user_id with a slash", badInputGroupID, badInputUserID+"/x")
	slashUser.want = []string{"Attribute user_id must not contain a slash"}

	// Only dbt knows which groups and users exist: these fail at apply.
	noGroup := member("group_id unknown", badInputUnknownID, badInputUserID)
	noGroup.setup = func(t *testing.T, e *emulator.Emulator) {
		badInputCreateUser(t, e, "jane@example.com", "developer", true)
	}
	noGroup.want = []string{"Cannot add user " + badInputUserID + " to group " + badInputUnknownID,
		fmt.Sprintf("group_id = %q", badInputUnknownID),
		fmt.Sprintf("dbt has no group with SCIM id %q. Check group_id", badInputUnknownID), "404 not found"}
	noGroup.planTime = false

	noUser := member("user_id unknown", badInputGroupID, badInputUnknownID)
	noUser.setup = func(t *testing.T, e *emulator.Emulator) { badInputCreateGroup(t, e, "Analysts") }
	noUser.want = []string{"Cannot add user " + badInputUnknownID + " to group " + badInputGroupID,
		fmt.Sprintf("user_id = %q", badInputUnknownID),
		fmt.Sprintf("dbt has no user with SCIM id %q (reading it answered 404), so nothing was sent to the group", badInputUnknownID),
		"Check user_id", fmt.Sprintf("member %q is not a user of this account", badInputUnknownID)}
	noUser.planTime = false

	unlicensed := member("user_id of a user without a license", badInputGroupID, badInputUserID)
	unlicensed.setup = func(t *testing.T, e *emulator.Emulator) {
		badInputCreateUser(t, e, "jane@example.com", "", true)
		badInputCreateGroup(t, e, "Analysts")
	}
	unlicensed.want = []string{"Cannot add user " + badInputUserID + " to group " + badInputGroupID,
		fmt.Sprintf("user_id = %q", badInputUserID), "Check user_id", "All users must have licenses"}
	unlicensed.planTime = false
	unlicensed.undone = true

	imp := func(id string) badInput {
		c := member(fmt.Sprintf("import %q", id), badInputGroupID, badInputUserID)
		c.importTo, c.importID = "dbt_scim_group_member.this", id
		c.want = []string{"Invalid import ID", "as <group_id>/<user_id>", fmt.Sprintf("got %q", id)}
		return c
	}
	return []badInput{
		emptyGroup, emptyUser, slashGroup, slashUser,
		noGroup, noUser, unlicensed,
		imp("abc"), imp("1/2/3"), imp("/"), imp(badInputGroupID + "/"), imp("/" + badInputUserID),
	}
}

func badDataSourceInputs() []badInput {
	q := strconv.Quote
	data := func(name, typ string, want []string, lines ...string) badInput {
		return badInput{
			name:     name,
			config:   func(f badInputFixture) string { return f.directory() + f.block("data", typ, lines...) },
			want:     want,
			planTime: true,
		}
	}
	withJane := func(c badInput) badInput {
		c.setup = func(t *testing.T, e *emulator.Emulator) {
			badInputCreateUser(t, e, "jane@example.com", "developer", true)
		}
		return c
	}
	withAnalysts := func(c badInput) badInput {
		c.setup = func(t *testing.T, e *emulator.Emulator) { badInputCreateGroup(t, e, "Analysts") }
		return c
	}
	filter := func(typ, filter string, want ...string) badInput {
		return data(fmt.Sprintf("%s filter %q", typ, filter), typ,
			append([]string{"Invalid SCIM filter", "filter = " + q(filter)}, want...), "filter = "+q(filter))
	}
	notValid := func(filter string) string { return q(filter) + " is not a valid SCIM filter: the parser stopped at" }
	// Mistakes the provider recognises are reported where they are, not where the parser backtracked to.
	mistake := func(filter string) string { return q(filter) + " is not a valid SCIM filter: at" }
	return []badInput{
		withJane(data("dbt_scim_user id and user_name", "dbt_scim_user",
			[]string{"Invalid Attribute Combination", "Exactly one of these attributes must be configured: [id,user_name]"},
			"id = "+q(badInputUserID), `user_name = "jane@example.com"`)),
		data("dbt_scim_user neither id nor user_name", "dbt_scim_user",
			[]string{"Missing Attribute Configuration", "Exactly one of these attributes must be configured: [id,user_name]"}),
		data("dbt_scim_user id empty", "dbt_scim_user",
			[]string{"Attribute id string length must be at least 1, got: 0"}, `id = ""`),
		data("dbt_scim_user user_name empty", "dbt_scim_user",
			[]string{"Attribute user_name string length must be at least 1, got: 0"}, `user_name = ""`),
		data("dbt_scim_user id unknown", "dbt_scim_user",
			[]string{"No such user in dbt", "id = " + q(badInputUnknownID), "no user with SCIM id " + q(badInputUnknownID)},
			"id = "+q(badInputUnknownID)),
		data("dbt_scim_user user_name unknown", "dbt_scim_user",
			[]string{"No such user in dbt", `user_name = "nobody@example.com"`, `no user with userName "nobody@example.com"`},
			`user_name = "nobody@example.com"`),
		withAnalysts(data("dbt_scim_group id and display_name", "dbt_scim_group",
			[]string{"Invalid Attribute Combination", "Exactly one of these attributes must be configured: [id,display_name]"},
			"id = "+q(badInputGroupID), `display_name = "Analysts"`)),
		data("dbt_scim_group neither id nor display_name", "dbt_scim_group",
			[]string{"Missing Attribute Configuration", "Exactly one of these attributes must be configured: [id,display_name]"},
			"include_members = true"),
		data("dbt_scim_group id empty", "dbt_scim_group",
			[]string{"Attribute id string length must be at least 1, got: 0"}, `id = ""`),
		data("dbt_scim_group display_name empty", "dbt_scim_group",
			[]string{"Attribute display_name string length must be at least 1, got: 0"}, `display_name = ""`),
		data("dbt_scim_group id unknown", "dbt_scim_group",
			[]string{"No such group in dbt", "id = " + q(badInputUnknownID), "no group with SCIM id " + q(badInputUnknownID)},
			"id = "+q(badInputUnknownID)),
		withJane(data("dbt_scim_group id of a user", "dbt_scim_group",
			[]string{"No such group in dbt", "id = " + q(badInputUserID), "no group with SCIM id " + q(badInputUserID)},
			"id = "+q(badInputUserID))),
		data("dbt_scim_group display_name unknown", "dbt_scim_group",
			[]string{"No such group in dbt", `display_name = "Nobody"`, `no group named "Nobody"`}, `display_name = "Nobody"`),
		filter("dbt_scim_users", `userName eq`, mistake(`userName eq`), "column 12", `"eq" needs a value`),
		filter("dbt_scim_groups", `displayName sw`, mistake(`displayName sw`), "column 15", `"sw" needs a value`),
		filter("dbt_scim_users", `userName eq "a" and`, notValid(`userName eq "a" and`), "column 16", "should end here"),
		filter("dbt_scim_users", `userName eq "a" userName`, notValid(`userName eq "a" userName`), "column 16"),
		filter("dbt_scim_users", ``, "The filter is empty. Leave filter unset to list every user."),
		filter("dbt_scim_groups", `displayName sw "a" or`, notValid(`displayName sw "a" or`), "column 19"),
		filter("dbt_scim_groups", "displayName pr\nand externalId pr", notValid("displayName pr\nand externalId pr"),
			"column 15", "not line breaks"),
		filter("dbt_scim_groups", `displayName = "a"`, mistake(`displayName = "a"`), "column 13", `SCIM writes "=" as a word: use eq`),
		data("dbt_scim_tokens name empty", "dbt_scim_tokens",
			[]string{"Attribute name string length must be between 1 and 255, got: 0"}, `name = ""`),
		data("dbt_scim_tokens name of 256 characters", "dbt_scim_tokens",
			[]string{"Attribute name string length must be between 1 and 255, got: 256"}, "name = "+q(strings.Repeat("n", 256))),
	}
}
