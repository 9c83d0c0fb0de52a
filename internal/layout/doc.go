// SPDX-License-Identifier: EUPL-1.2

// Package layout holds no code: its tests check the project's layout
// against docs/architecture.md, the one place that says which package may
// import which, and against docs/architecture-tables.md, which package
// owns (alone writes) which table. A package the document does not list, a
// row naming a package that does not exist, an import the row does not
// allow, a table without an owner and a write by another package all fail.
// TestCodeFilesHaveTests holds the packages of tests_test.go's testedDirs
// to one more rule: a file with behaviour has its X_test.go beside it, or
// untested.txt says why not.
package layout
