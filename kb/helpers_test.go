// SPDX-License-Identifier: EUPL-1.2

package kb

import "errors"

func errorsIs(err, target error) bool { return errors.Is(err, target) }
