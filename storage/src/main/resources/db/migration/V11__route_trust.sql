-- Whether an admin set the route: only such a route (or the server setting
-- outbound.allow_private_relays) may send to a relay on an internal address. Routes from before
-- this column are treated as a tenant's: an admin sets a private relay again to keep it.
ALTER TABLE outbound_routes ADD COLUMN set_by_admin BOOLEAN DEFAULT FALSE NOT NULL;
