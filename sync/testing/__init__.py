"""Test doubles for the sync wing: a local FHIR server with fault injection, and a throw-away test PKI."""
