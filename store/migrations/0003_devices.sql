-- 0003: the desk's serial devices, as the technician set them up.

-- One row per device kind: the port, its line settings, and for the
-- printer the profile (head width, code page or raster). usb_serial is the
-- USB device's serial number when the port is a USB adapter, so the port
-- is found again if it comes back under another name.
CREATE TABLE device_settings (
    kind       TEXT    PRIMARY KEY CHECK (kind IN ('printer', 'card_reader')),
    port       TEXT    NOT NULL CHECK (port <> ''),
    baud       INTEGER NOT NULL CHECK (baud > 0),
    data_bits  INTEGER NOT NULL CHECK (data_bits IN (7, 8)),
    parity     TEXT    NOT NULL CHECK (parity IN ('none', 'even', 'odd')),
    stop_bits  INTEGER NOT NULL CHECK (stop_bits IN (1, 2)),
    profile    TEXT    NOT NULL DEFAULT '',
    usb_serial TEXT    NOT NULL DEFAULT '',
    updated_at TEXT    NOT NULL,
    CHECK (kind <> 'printer' OR profile <> '')
);
