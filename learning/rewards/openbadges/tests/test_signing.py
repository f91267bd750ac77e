"""The signing core and the public endpoints: the credential validates against the Open
Badges 3.0 schema, its VC-JWT verifies (through our verifier and through the published
JWKS alone, as a wallet would), and every kind of tampering, an unknown key, a bad
algorithm and an expired credential are refused with their reason. Key rotation: what
a retired key signed keeps verifying; what a dropped key signed does not."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured

from ..keys import build_keyset, parse_keys
from ..schema import schema_errors
from ..signing import OpenBadgesDisabled, sign_credential, verify_credential_jwt
from .helpers import (
    ed25519_pem,
    flip_signature,
    p256_pem,
    public_pem,
    sample_credential,
    tamper_header,
    tamper_payload,
)

VERIFY = "/api/v1/openbadges/verify/"


def always_valid(kind, ref):
    return "valid"


@pytest.fixture
def key_a():
    return ed25519_pem()


@pytest.fixture
def signing_with(settings):
    def use(active: str, retired: str = ""):
        settings.OPENBADGES_SIGNING_KEY = active
        settings.OPENBADGES_RETIRED_KEYS = retired

    return use


def test_credential_matches_the_schema_and_every_schema_rule_bites():
    credential = sample_credential()
    assert schema_errors(credential) == []
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Ada Lovelace"
    assert "ada@example.test" not in str(credential)  # the email only hashed
    for broken, where in [
        ({**credential, "type": ["VerifiableCredential"]}, "type"),
        ({k: v for k, v in credential.items() if k != "validFrom"}, "validFrom"),
        ({**credential, "validFrom": "yesterday"}, "validFrom"),
        ({**credential, "@context": ["https://www.w3.org/2018/credentials/v1"]}, "@context"),
        ({**credential, "credentialSubject": {"type": ["AchievementSubject"]}}, "achievement"),
    ]:
        errors = schema_errors(broken)
        assert errors and any(where in error for error in errors), (where, errors)


@pytest.mark.parametrize("make_key", [ed25519_pem, p256_pem], ids=["EdDSA", "ES256"])
def test_signed_credential_verifies_with_our_verifier_and_with_the_published_jwks(
    make_key, signing_with, api_client
):
    signing_with(make_key())
    credential = sample_credential()
    token = sign_credential(credential)
    header = jwt.get_unverified_header(token)
    assert header["alg"] in {"EdDSA", "ES256"} and header["typ"] == "JWT"
    assert header["kid"].startswith("http://localhost:8000/api/v1/openbadges/keys/")

    result = verify_credential_jwt(token, status_lookup=always_valid)
    assert (result.status, result.reason) == ("valid", "valid")
    assert result.credential["id"] == credential["id"] and result.key_id == header["kid"]

    # A verifier that knows nothing but our public endpoints: the JWKS, the key's kid URL.
    jwks = api_client.get("/api/v1/openbadges/keys/").json()
    assert [key["status"] for key in jwks["keys"]] == ["active"]
    published = next(key for key in jwks["keys"] if key["kid"] == header["kid"])
    path = header["kid"].removeprefix("http://localhost:8000")
    assert api_client.get(path).json() == published
    claims = jwt.decode(
        token, jwt.PyJWK(published).key, algorithms=[published["alg"]], options={"verify_exp": False}
    )
    assert claims["iss"] == credential["issuer"]["id"] and claims["jti"] == credential["id"]
    assert claims["credentialSubject"] == credential["credentialSubject"]
    assert schema_errors(claims) == []


def test_tampered_credentials_fail(signing_with, key_a):
    signing_with(key_a)
    token = sign_credential(sample_credential())

    def rename(claims):
        claims["credentialSubject"]["achievement"]["name"] = "Grand master"

    def other_person(claims):
        claims["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"

    for forged in (tamper_payload(token, rename), tamper_payload(token, other_person), flip_signature(token)):
        result = verify_credential_jwt(forged, status_lookup=always_valid)
        assert (result.status, result.reason, result.credential) == ("invalid", "bad_signature", None)

    # Signed by someone else's key under our kid: the kid finds our key, which refuses it.
    payload = jwt.decode(token, options={"verify_signature": False})
    foreign = jwt.encode(
        payload,
        jwt.PyJWK({**_private_jwk(ed25519_pem())}).key,
        algorithm="EdDSA",
        headers={"kid": jwt.get_unverified_header(token)["kid"]},
    )
    assert verify_credential_jwt(foreign, status_lookup=always_valid).reason == "bad_signature"

    # The embedded `jwk` is never trusted: swapping in the forger's key changes nothing.
    def own_jwk(fields):
        fields["jwk"] = _public_jwk(ed25519_pem())

    assert (
        verify_credential_jwt(tamper_header(token, own_jwk), status_lookup=always_valid).reason
        == "bad_signature"
    )


def test_header_problems_have_their_reason(signing_with, key_a):
    signing_with(key_a)
    token = sign_credential(sample_credential())
    cases = {
        "malformed": [
            "",
            "not-a-jwt",
            "a.b",
            token + ".x",
            "####.####.####",
            tamper_header(token, lambda h: h.update(kid=["not", "a", "string"])),
        ],
        "unsupported_algorithm": [
            tamper_header(token, lambda h: h.update(alg="none")),
            tamper_header(token, lambda h: h.update(alg="HS256")),
        ],
        "unknown_key": [
            tamper_header(token, lambda h: h.pop("kid")),
            tamper_header(
                token, lambda h: h.update(kid="http://localhost:8000/api/v1/openbadges/keys/" + "A" * 43)
            ),
        ],
    }
    for reason, tokens in cases.items():
        for bad in tokens:
            result = verify_credential_jwt(bad, status_lookup=always_valid)
            assert (result.status, result.reason) == ("invalid", reason), bad[:60]


def test_a_retired_key_still_verifies_and_a_dropped_key_does_not(signing_with, key_a, api_client):
    signing_with(key_a)
    old_token = sign_credential(sample_credential(ref="1"))
    old_kid = jwt.get_unverified_header(old_token)["kid"]

    key_b = p256_pem()
    signing_with(key_b, retired=public_pem(key_a))  # rotated: A retired (public half only)
    new_token = sign_credential(sample_credential(ref="2"))
    assert jwt.get_unverified_header(new_token)["kid"] != old_kid
    for token in (old_token, new_token):
        assert verify_credential_jwt(token, status_lookup=always_valid).reason == "valid"
    jwks = api_client.get("/api/v1/openbadges/keys/").json()["keys"]
    assert [(key["status"], key["alg"]) for key in jwks] == [("active", "ES256"), ("retired", "EdDSA")]
    assert jwks[1]["kid"] == old_kid

    signing_with(key_b)  # A dropped altogether
    assert verify_credential_jwt(old_token, status_lookup=always_valid).reason == "unknown_key"
    assert verify_credential_jwt(new_token, status_lookup=always_valid).reason == "valid"


def test_a_retired_private_key_never_signs_again(key_a):
    keyset = build_keyset(ed25519_pem(), retired_pem=key_a)  # its private half pasted by mistake
    retired = next(key for key in keyset.keys.values() if key is not keyset.active)
    assert retired.private_key is None


def test_time_window_claims_and_schema_are_checked(signing_with, key_a):
    signing_with(key_a)
    past = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    expired = sign_credential(sample_credential(valid_until=past))
    assert verify_credential_jwt(expired, status_lookup=always_valid).reason == "expired"
    before = dt.datetime(2026, 11, 1, 11, 0, tzinfo=dt.UTC)
    assert verify_credential_jwt(expired, status_lookup=always_valid, now=before).reason == "not_yet_valid"
    assert verify_credential_jwt(expired, status_lookup=always_valid, now=past - dt.timedelta(hours=1)).valid

    # Signed by us but not a well-formed Open Badge, or claims that contradict the body.
    keyset = build_keyset(key_a)
    no_criteria = sample_credential()
    del no_criteria["credentialSubject"]["achievement"]["criteria"]
    result = verify_credential_jwt(sign_credential(no_criteria, keyset=keyset), status_lookup=always_valid)
    assert (result.reason, "criteria" in result.detail) == ("schema_invalid", True)
    token = sign_credential(sample_credential())
    payload = jwt.decode(token, options={"verify_signature": False})
    headers = jwt.get_unverified_header(token)
    relabelled = jwt.encode({**payload, "jti": "urn:uuid:other"}, keyset.active.private_key, "EdDSA", headers)
    assert verify_credential_jwt(relabelled, status_lookup=always_valid).reason == "claims_mismatch"
    unnamed = jwt.encode(
        {k: v for k, v in payload.items() if k != "iss"}, keyset.active.private_key, "EdDSA", headers
    )
    assert verify_credential_jwt(unnamed, status_lookup=always_valid).reason == "claims_mismatch"


def test_status_of_the_source_decides_last(signing_with, key_a):
    signing_with(key_a)
    token = sign_credential(sample_credential(kind="certificate", ref="42"))
    seen = []

    def lookup(kind, ref):
        seen.append((kind, ref))
        return {"42": "revoked"}.get(ref, "unknown")

    result = verify_credential_jwt(token, status_lookup=lookup)
    assert (result.status, result.reason, seen) == ("revoked", "revoked", [("certificate", "42")])
    assert result.credential is not None  # the signature held: what was revoked is shown
    other = sign_credential(sample_credential(kind="certificate", ref="43"))
    assert verify_credential_jwt(other, status_lookup=lookup).reason == "unknown_credential"


def test_without_a_key_nothing_is_signed_and_no_key_is_published(settings, api_client):
    settings.OPENBADGES_SIGNING_KEY = ""
    with pytest.raises(OpenBadgesDisabled):
        sign_credential(sample_credential())
    assert api_client.get("/api/v1/openbadges/keys/").json() == {"keys": []}


def test_key_settings_refuse_what_cannot_sign():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    def pem(key):
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    for bad in (
        "not a key",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        pem(ec.generate_private_key(ec.SECP384R1())),
    ):
        with pytest.raises(ImproperlyConfigured):
            parse_keys(bad, where="OPENBADGES_SIGNING_KEY")
    with pytest.raises(ImproperlyConfigured, match="private key"):
        build_keyset(public_pem(ed25519_pem()))
    with pytest.raises(ImproperlyConfigured, match="one key"):
        build_keyset(ed25519_pem() + ed25519_pem())
    # One line with literal \n, as in many environment files.
    assert len(parse_keys(ed25519_pem().replace("\n", "\\n"), where="x")) == 1


def test_issuer_profile_is_public_json_ld(api_client, settings):
    settings.OPENBADGES_ISSUER_NAME = "Mr ICT Academy"
    settings.OPENBADGES_ISSUER_EMAIL = "badges@example.test"
    response = api_client.get("/api/v1/openbadges/issuer/", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    profile = response.json()
    assert profile["id"] == "http://localhost:8000/api/v1/openbadges/issuer/"
    assert (profile["type"], profile["name"], profile["email"]) == (
        ["Profile"],
        "Mr ICT Academy",
        "badges@example.test",
    )
    assert profile["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert sample_credential()["issuer"]["id"] == profile["id"]


@pytest.mark.django_db
def test_verify_endpoint_answers_each_reason_and_refuses_bad_input(signing_with, key_a, api_client, settings):
    signing_with(key_a)
    token = sign_credential(sample_credential())
    forged = flip_signature(token)
    answer = api_client.post(VERIFY, {"credential": forged}, format="json")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert answer.json() | {"detail": ""} == {
        "valid": False,
        "status": "invalid",
        "reason": "bad_signature",
        "detail": "",
        "key_id": jwt.get_unverified_header(token)["kid"],
        "credential": None,
    }
    # Ours, signature fine, but no badge award 1 exists here: not a credential we stand by.
    assert (
        api_client.post(VERIFY, {"credential": token}, format="json").json()["reason"] == "unknown_credential"
    )

    settings.OPENBADGES_VERIFY_MAX_BYTES = 100
    for body, code in [
        ({}, "required"),
        ({"credential": ""}, "blank"),
        ({"credential": 12}, None),
        ({"credential": token}, "max_length"),
        ({"credential": "x", "extra": 1}, "unknown_field"),
    ]:
        response = api_client.post(VERIFY, body, format="json")
        assert response.status_code == 400, body
        if code:
            assert code in {error["code"] for error in response.json()["errors"]}, response.json()


@pytest.mark.django_db
def test_verify_endpoint_is_throttled_per_address(api_client, settings):
    settings.OPENBADGES_THROTTLE_VERIFY = "2/min"
    for _ in range(2):
        assert api_client.post(VERIFY, {"credential": "a.b.c"}, format="json").status_code == 200
    response = api_client.post(VERIFY, {"credential": "a.b.c"}, format="json")
    assert response.status_code == 429 and response["Retry-After"]


def _private_jwk(pem: str) -> dict:
    from cryptography.hazmat.primitives import serialization
    from jwt.algorithms import OKPAlgorithm

    return OKPAlgorithm.to_jwk(serialization.load_pem_private_key(pem.encode(), password=None), as_dict=True)


def _public_jwk(pem: str) -> dict:
    return {k: v for k, v in _private_jwk(pem).items() if k != "d"}


def test_dev_key_is_made_once_private_and_usable(tmp_path):
    import os

    from site_config.settings.env import local_signing_key

    path = tmp_path / ".dev-openbadges-key.pem"
    first = local_signing_key(path)
    assert local_signing_key(path) == first  # kept across starts
    assert os.stat(path).st_mode & 0o777 == 0o600
    keyset = build_keyset(first)
    assert keyset.active.alg == "EdDSA" and keyset.active.private_key is not None
    path.write_text("")  # emptied by hand: replaced by a fresh key
    assert local_signing_key(path) != first
