// SPDX-License-Identifier: EUPL-1.2

package db

import (
	"database/sql/driver"
	"errors"
)

// JSON is a JSON document for a jsonb column. It travels to PostgreSQL as
// text: with binary_parameters (see Open) a []byte argument is sent in
// binary form, which jsonb does not accept from raw JSON bytes.
type JSON []byte

// Value sends the document as text ("{}" when empty).
func (j JSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return "{}", nil
	}
	return string(j), nil
}

// Scan reads a jsonb or json column.
func (j *JSON) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		*j = append((*j)[:0], v...)
	case string:
		*j = append((*j)[:0], v...)
	case nil:
		*j = nil
	default:
		return errors.New("db.JSON: unsupported source type")
	}
	return nil
}

// MarshalJSON embeds the document as it is.
func (j JSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return j, nil
}

// UnmarshalJSON keeps a copy of the document.
func (j *JSON) UnmarshalJSON(b []byte) error {
	*j = append((*j)[:0], b...)
	return nil
}
