// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dbt-scim/terraform-provider-dbt/internal/apierror"
)

// namedObject is what the user and group resources share: an object with a
// SCIM id that can also be named (a user by userName, a group by
// displayName), imported by either, and met as "already exists" on create.
type namedObject struct {
	resource    string // "dbt_scim_user"
	noun        string // "user"
	prefix      string // import ID prefix, "userName="
	byName      string // "by user name"
	placeholder string // "<email>"
	example     string // "jane@example.com"
	// missing says there is no such object: "dbt has no user with userName %q".
	missing string
	// quoteCLI quotes the import ID in the suggested CLI command, for names
	// with spaces.
	quoteCLI bool
}

// found is an existing object as the conflict message describes it.
type found struct {
	id   string
	note string // ", deactivated"; ", named ...: names are compared without regard to case"
}

// importID turns an import ID, a SCIM id or prefix+name, into a SCIM id,
// looking the name up with find. It reports false after adding a
// diagnostic.
func (o namedObject) importID(ctx context.Context, data *providerData, raw string, diags *diag.Diagnostics,
	find func(ctx context.Context, name string) (string, error)) (string, bool) {
	id := strings.TrimSpace(raw)
	// An empty name falls through to "Invalid import ID": it is a typo, not an object to look up.
	if name, ok := strings.CutPrefix(id, o.prefix); ok && strings.TrimSpace(name) != "" {
		if !requireSCIM(data, diags) {
			return "", false
		}
		got, err := find(ctx, name)
		if err != nil {
			addAPIError(diags, fmt.Sprintf("look up %s %q to import", o.noun, name), err)
			return "", false
		}
		if got == "" {
			diags.AddError("No such "+o.noun+" in dbt",
				fmt.Sprintf(o.missing+", so there is nothing to import. Check the spelling, or remove the import "+
					"and let Terraform create the %s.", name, o.noun))
			return "", false
		}
		id = got
	}
	if id == "" || strings.Contains(id, "=") {
		diags.AddError("Invalid import ID",
			fmt.Sprintf("Import a %s by its SCIM id, or %s as %s%s, for example %s%s; got %q.",
				o.resource, o.byName, o.prefix, o.placeholder, o.prefix, o.example, raw))
		return "", false
	}
	return id, true
}

// addConflict explains a create that met an existing object: Terraform does
// not take over an object it did not create unless told to, so the way
// forward is import, and the diagnostic spells it out. lookup finds the
// existing object for the message; extra, called after it, follows the
// import instructions.
func (o namedObject) addConflict(ctx context.Context, diags *diag.Diagnostics, attr, headline, name string,
	lookup func(ctx context.Context) (*found, error), extra func() string) {
	var b strings.Builder
	b.WriteString(headline)
	existing, err := lookup(ctx)
	switch {
	case err != nil:
		tflog.Debug(ctx, "looking up the conflicting "+o.noun+" failed", map[string]any{"error": err.Error()})
	case existing != nil:
		fmt.Fprintf(&b, " (SCIM id %s%s)", existing.id, existing.note)
	}
	cliID := o.prefix + name
	if o.quoteCLI {
		cliID = "'" + cliID + "'"
	}
	fmt.Fprintf(&b, ". Terraform does not take over existing %[1]ss silently. To manage this %[1]s with this "+
		"resource, import it:\n\n"+
		"  terraform import %[2]s.<name> %[3]s\n\n"+
		"or, with Terraform 1.5 or later, add an import block and apply:\n\n"+
		"  import {\n    to = %[2]s.<name>\n    id = %[4]q\n  }\n",
		o.noun, o.resource, cliID, o.prefix+name)
	b.WriteString(extra())
	diags.AddAttributeError(path.Root(attr), strings.ToUpper(o.noun[:1])+o.noun[1:]+" already exists in dbt", b.String())
}

// lookup finds one object for a data source, by SCIM id when id is set and
// otherwise by name (nameAttr is the attribute that holds it); the
// diagnostics name the attribute that found nothing. listDataSource is the
// plural data source to suggest for objects that may not exist.
func lookup[T any](ctx context.Context, o namedObject, diags *diag.Diagnostics, id types.String, nameAttr, name, listDataSource string,
	get func(context.Context, string) (*T, error), find func(context.Context, string) (*T, error)) *T {
	if !id.IsNull() {
		got, err := get(ctx, id.ValueString())
		if apierror.IsNotFound(err) {
			diags.AddAttributeError(path.Root("id"), "No such "+o.noun+" in dbt",
				fmt.Sprintf("dbt has no %s with SCIM id %q.", o.noun, id.ValueString()))
			return nil
		}
		if err != nil {
			addAPIError(diags, fmt.Sprintf("read %s %s", o.noun, id.ValueString()), err)
			return nil
		}
		return got
	}
	got, err := find(ctx, name)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("look up %s %q", o.noun, name), err)
		return nil
	}
	if got == nil {
		diags.AddAttributeError(path.Root(nameAttr), "No such "+o.noun+" in dbt",
			fmt.Sprintf(o.missing+". To read %ss that may not exist, use the %s data source with a filter.",
				name, o.noun, listDataSource))
	}
	return got
}
