-- RFC 8474: a message keeps its EMAILID when it is copied or moved. NULL means "the row's own id"
-- (every message stored before, and every new one), so delivery writes nothing extra; a copy
-- carries its original's.
ALTER TABLE messages ADD COLUMN email_id BIGINT;
