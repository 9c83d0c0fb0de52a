-- The ticket list's filters are correlated (most resolved tickets are low
-- priority, level 2 tickets belong to few groups …). Without statistics
-- on the combinations PostgreSQL multiplies the single-column
-- selectivities, underestimates how rare a combination is, and walks the
-- primary key backwards through the whole table looking for a page that
-- does not exist. Multivariate MCV lists let it see the real frequencies
-- (see docs/console.md).

-- +goose Up
-- The queue views (state + level, often + priority) get an index that
-- returns their rows already in page order.
CREATE INDEX tickets_state_level_priority_id ON tickets (state, level, priority, id DESC);
CREATE STATISTICS tickets_list_filters (mcv, dependencies) ON state, priority, level, group_name, origin_channel FROM tickets;

-- +goose Down
DROP STATISTICS tickets_list_filters;
DROP INDEX tickets_state_level_priority_id;
