-- IMAP sessions ask "what changed since modseq N" after every command.
CREATE INDEX messages_modseq ON messages(folder_id, modseq);
