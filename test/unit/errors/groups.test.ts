// lib/errors/groups.ts is a copy of the generated GROUPS (so that the code
// table loads lazily); they must not drift apart.

import { GROUPS as COPY } from '../../../lib/errors/groups';
import { GROUPS as GENERATED } from '../../../lib/errors/table.generated';

test('the group list lib/errors uses at import is the generated one', () => {
  expect([...COPY]).toEqual([...GENERATED]);
});
