-- 0025_year_facts.sql: what the annual report states beside the counts, per
-- calendar year: the départements' populations (calls per 100,000
-- inhabitants) and the action's budget with its funders' shares (cost per
-- consultation). One row per year each, replaced whole by an upsert: the
-- daemon's role cannot delete rows.
CREATE TABLE year_population (
    year        int PRIMARY KEY CHECK (year BETWEEN 1900 AND 2999),
    source      text NOT NULL DEFAULT '',
    departments text[] NOT NULL,
    populations bigint[] NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    CHECK (cardinality(departments) = cardinality(populations)),
    CHECK (0 < ALL (populations))
);

CREATE TABLE year_budget (
    year        int PRIMARY KEY CHECK (year BETWEEN 1900 AND 2999),
    total_cents bigint NOT NULL CHECK (total_cents > 0),
    funders     text[] NOT NULL,
    cents       bigint[] NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    CHECK (cardinality(funders) = cardinality(cents)),
    CHECK (0 <= ALL (cents))
);
