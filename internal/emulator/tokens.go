// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"time"
)

// tokenPrefix makes minted tokens recognisable in logs and secret scanners,
// as real vendor tokens are.
const tokenPrefix = "dbtc_scim_" //nolint:gosec // a prefix, not a credential

// SCIMConfig is the account's SCIM configuration.
type SCIMConfig struct {
	Enabled                   bool
	ManualUpdatesAllowed      bool
	SCIMControlledLicenseType bool
}

// Token is a SCIM token as the emulator stores it. Only the SHA-256 of the
// value is kept, so a test can assert that no plaintext survives minting.
type Token struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	LastUsed  *time.Time
	Hash      string // hex SHA-256 of the token value
}

// SCIMConfig returns the current SCIM configuration.
func (e *Emulator) SCIMConfig() SCIMConfig {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.scimConfig
}

// SetSCIMConfig replaces the SCIM configuration out of band, as a change in
// dbt's UI would.
func (e *Emulator) SetSCIMConfig(c SCIMConfig) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scimConfig = c
}

// Tokens returns copies of the live tokens, sorted by ID.
func (e *Emulator) Tokens() []Token {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Token, 0, len(e.tokens))
	for _, t := range e.tokens {
		out = append(out, copyToken(t))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (e *Emulator) token(id int64) (Token, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tokens[id]
	if !ok {
		return Token{}, false
	}
	return copyToken(t), true
}

// copyToken detaches LastUsed so callers cannot mutate the store.
func copyToken(t *Token) Token {
	c := *t
	if t.LastUsed != nil {
		lu := *t.LastUsed
		c.LastUsed = &lu
	}
	return c
}

// CreateToken mints a token. The value is returned here and never again.
func (e *Emulator) CreateToken(name string) (Token, string) {
	value := newTokenValue()
	e.mu.Lock()
	defer e.mu.Unlock()
	t := &Token{ID: e.nextTokenID, Name: name, CreatedAt: e.now(), Hash: hashToken(value)}
	e.nextTokenID++
	e.tokens[t.ID] = t
	e.tokenByHash[t.Hash] = t.ID
	return copyToken(t), value
}

// DeleteToken revokes a token; it reports whether the token existed.
func (e *Emulator) DeleteToken(id int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.tokens[id]
	if !ok {
		return false
	}
	delete(e.tokens, id)
	delete(e.tokenByHash, t.Hash)
	return true
}

// TokenValid reports whether value is the value of a live token. It compares
// hashes: the store has nothing else to compare against.
func (e *Emulator) TokenValid(value string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.tokenByHash[hashToken(value)]
	return ok
}

// tokenHashFor authenticates a SCIM request's bearer value, returning the
// hash to stamp once the request is allowed through. Looking up by hash means
// the check never touches plaintext and its timing reveals nothing about
// stored values.
func (e *Emulator) tokenHashFor(value string) (string, bool) {
	if value == "" {
		return "", false
	}
	h := hashToken(value)
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.tokenByHash[h]
	return h, ok
}

// touchToken records a successful use. A token revoked in the meantime is
// simply gone; there is nothing to stamp.
func (e *Emulator) touchToken(hash string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if id, ok := e.tokenByHash[hash]; ok {
		now := e.now()
		e.tokens[id].LastUsed = &now
	}
}

func hashToken(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// newTokenValue returns tokenPrefix plus 40 URL-safe random characters
// (30 random bytes, 240 bits).
func newTokenValue() string {
	b := make([]byte, 30)
	if _, err := rand.Read(b); err != nil {
		panic("emulator: crypto/rand failed: " + err.Error())
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}
