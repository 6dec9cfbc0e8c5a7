-- What SQLite schemas written by hand or by sea-query hold: a key declared
-- NOT NULL with AUTOINCREMENT, and boolean defaults written TRUE and FALSE.
CREATE TABLE setting (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(64) NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT FALSE,
    visible BOOLEAN NOT NULL DEFAULT TRUE,
    archived BOOLEAN DEFAULT 0
);
