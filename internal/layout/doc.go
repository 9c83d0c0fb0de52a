// SPDX-License-Identifier: EUPL-1.2

// Package layout holds no code: its tests check the project's layout
// against docs/architecture.md, the one place that says which package may
// import which (and, in its tables section, which package owns which
// table). A package the document does not list, a row naming a package
// that does not exist, and an import the row does not allow all fail.
package layout
