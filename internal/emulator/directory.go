package emulator

import "net/http"

// licenseTypes are the values dbt accepts for the user extension's
// licenseType.
var licenseTypes = []string{"developer", "read_only", "analyst", "it"}

// directory holds SCIM users and groups.
type directory struct{}

func newDirectory() *directory { return &directory{} }

func (e *Emulator) serveUsers(w http.ResponseWriter, r *http.Request, rest []string, base string, body []byte) {
	writeSCIMError(w, http.StatusNotImplemented, "", "Users are not implemented yet.")
}

func (e *Emulator) serveGroups(w http.ResponseWriter, r *http.Request, rest []string, base string, body []byte) {
	writeSCIMError(w, http.StatusNotImplemented, "", "Groups are not implemented yet.")
}
