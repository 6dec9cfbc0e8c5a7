-- Legal names that a Rust module, file, field or variant cannot take as
-- they are: keywords, names that collide once snake_cased or PascalCased,
-- unicode, quotes, digits first, the registration's own `mod`.
CREATE TABLE "mod" (
  "id" INTEGER PRIMARY KEY,
  "self" TEXT,
  "a1" INTEGER,
  "a_1" INTEGER,
  "a²" INTEGER,
  "type" TEXT,
  "crate" INTEGER,
  "_" INTEGER,
  "1st" INTEGER,
  "with ""quote""" TEXT
);
CREATE TABLE "café" (
  "id" INTEGER PRIMARY KEY,
  "mod_id" INTEGER NOT NULL REFERENCES "mod" ("id"),
  "表" TEXT
);
CREATE TABLE "self" (
  "id" INTEGER PRIMARY KEY,
  "self_id" INTEGER REFERENCES "self" ("id")
);
CREATE TABLE "Self_2" (
  "id" INTEGER PRIMARY KEY,
  "Self" TEXT
);
