"""Open Badges 3.0 export of badges and certificates (docs/open-badges.md): credentials
built from plain data (`credentials`), signed and verified as VC-JWT (`signing`) with the
issuer's key set (`keys`), checked against the schema (`schema`); the public issuer
profile, keys and verify endpoint, and the owners' exports, in `api`."""
