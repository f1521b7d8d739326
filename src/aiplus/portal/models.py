"""The portal keeps no records of its own: notices and policy documents moved to `aiplus.participation` (portal
migration 0002 removes the old table after participation 0002 copied its rows)."""
