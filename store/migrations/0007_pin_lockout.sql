-- 0007: failed-PIN lockout. After too many wrong PINs in a row a user is
-- locked until locked_until; a right PIN resets the count.
CREATE TABLE pin_failures (
    username     TEXT    PRIMARY KEY REFERENCES users (username),
    failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until TEXT
);
