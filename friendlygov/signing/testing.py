"""Real signing parts for tests: a throwaway certificate authority (cryptography), SoftHSM2 tokens
holding the keys (PKCS#11, as the product uses in production) and poppler's pdfsig as an
independent validator with the test CA in a throwaway NSS database.

SoftHSM2 reads its configuration once per process (python-pkcs11 keeps the module loaded), so the
tokens of one test process live in one temporary folder, made once (`softhsm_tokens`).
"""

import datetime
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .config import Token

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"


def tools_missing() -> list[str]:
    missing = [
        tool for tool in ("softhsm2-util", "pdfsig", "certutil", "crlutil") if shutil.which(tool) is None
    ]
    if not Path(SOFTHSM_MODULE).exists():
        missing.append(SOFTHSM_MODULE)
    return missing


needs_signing_tools = pytest.mark.skipif(
    bool(tools_missing()) and os.environ.get("FRIENDLYGOV_REQUIRE_SIGNING") != "1",
    reason="SoftHSM2, pdfsig or certutil is not installed",
)


@dataclass
class Authority:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common: str, organisation: str = "FriendlyGov test") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_authority(common: str = "FriendlyGov Test Root CA") -> Authority:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def issue(authority: Authority, common: str, organisation: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common, organisation))
        .issuer_name(authority.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), critical=False
        )
        .sign(authority.key, hashes.SHA256())
    )
    return key, cert


def crl(authority: Authority, revoked: list[x509.Certificate] = (), *, stale: bool = False) -> bytes:
    """A CRL from `authority` revoking `revoked`; `stale`: its next update already past."""
    now = datetime.datetime.now(datetime.UTC)
    issued = now - datetime.timedelta(days=10 if stale else 0, minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.cert.subject)
        .last_update(issued)
        .next_update(issued + datetime.timedelta(days=7))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - datetime.timedelta(minutes=1))
            .build()
        )
    return builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def init_token(folder: Path, label: str, key, key_label: str) -> Token:
    """A SoftHSM2 token holding `key` under `key_label` (its certificate is stored after every
    token exists: SoftHSM2 lists its tokens once, when the module is loaded)."""
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "654321"],
        check=True,
        capture_output=True,
    )
    key_file = folder / f"{label}.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(key_file),
            "--token",
            label,
            "--label",
            key_label,
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    key_file.unlink()
    return Token(module=SOFTHSM_MODULE, label=label, pin=PIN, key_label=key_label)


def _store_certificate(label: str, cert: x509.Certificate, key_label: str):
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(SOFTHSM_MODULE)
    token = lib.get_token(token_label=label)
    with token.open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )


@dataclass
class Tokens:
    authority: Authority
    agency: Token
    person: Token
    stranger: Token  # a key whose certificate comes from a CA nobody trusts
    roots_file: Path
    folder: Path


def make_tokens(folder: Path) -> Tokens:
    """SoftHSM2 configured in `folder` (SOFTHSM2_CONF for this process) with three tokens: the
    agency's, the competent person's, and one signed by an untrusted CA."""
    (folder / "tokens").mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    authority = make_authority()
    untrusted = make_authority("Untrusted Test CA")
    made = {
        "agency": (issue(authority, "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG", "Sở Nội vụ"), "seal"),
        "person": (issue(authority, "Trần Văn Giám", "Sở Nội vụ"), "signer"),
        "stranger": (issue(untrusted, "Người lạ", "Không rõ"), "signer"),
    }
    tokens = {
        label: init_token(folder, label, key, key_label) for label, ((key, _c), key_label) in made.items()
    }
    for label, ((_k, cert), key_label) in made.items():
        _store_certificate(label, cert, key_label)
    agency, person, stranger = tokens["agency"], tokens["person"], tokens["stranger"]
    roots = folder / "roots.pem"
    roots.write_bytes(authority.pem())
    return Tokens(authority, agency, person, stranger, roots, folder)


_made: Tokens | None = None


@pytest.fixture(scope="session")
def softhsm_tokens() -> Tokens:
    global _made
    if tools_missing():
        if os.environ.get("FRIENDLYGOV_REQUIRE_SIGNING") == "1":
            pytest.fail(f"Signing tools are required but missing: {', '.join(tools_missing())}")
        pytest.skip("SoftHSM2, pdfsig or certutil is not installed")
    if _made is None:
        _made = make_tokens(Path(tempfile.mkdtemp(prefix="friendlygov-softhsm-")))
    return _made


def pdfsig(pdf: bytes, tokens: Tokens, folder: Path, *, crl: bytes | None = None) -> str:
    """poppler's report on `pdf`, with the test CA trusted in a throwaway NSS database, and with
    `crl` (DER, from the test CA) imported there so that pdfsig checks revocation against it."""
    nss = folder / (f"nss-{hashlib.sha256(crl).hexdigest()[:12]}" if crl else "nss")
    if not nss.exists():
        nss.mkdir()
        database = f"sql:{nss}"
        subprocess.run(
            ["certutil", "-N", "-d", database, "--empty-password"], check=True, capture_output=True
        )
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                database,
                "-n",
                "test-root",
                "-t",
                "CT,C,C",
                "-i",
                str(tokens.roots_file),
            ],
            check=True,
            capture_output=True,
        )
        if crl is not None:
            crl_file = nss / "test.crl"
            crl_file.write_bytes(crl)
            # -B: import without checking the CRL's own signature time against NSS's cache rules.
            subprocess.run(
                ["crlutil", "-I", "-d", database, "-i", str(crl_file), "-B"], check=True, capture_output=True
            )
    path = folder / "checked.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


def signatures_in(report: str) -> dict[str, str]:
    """pdfsig's certificate verdict by signer (common name): "Certificate is Trusted.", …"""
    verdicts, signer = {}, ""
    for line in report.splitlines():
        line = line.strip()
        if line.startswith("- Signer Certificate Common Name:"):
            signer = line.partition(":")[2].strip()
        elif line.startswith("- Certificate Validation:"):
            verdicts[signer] = line.partition(":")[2].strip()
    return verdicts


def token_settings(tokens: Tokens) -> dict:
    """The settings that make the SoftHSM2 tokens the deployment's: the agency's and the person's
    keys, and the test CA as the only trust root."""
    return {
        "SIGNING_PKCS11_MODULE": SOFTHSM_MODULE,
        "SIGNING_AGENCY_TOKEN": "agency",
        "SIGNING_AGENCY_PIN": PIN,
        "SIGNING_AGENCY_KEY": "seal",
        "SIGNING_PERSON_TOKEN": "person",
        "SIGNING_PERSON_PIN": PIN,
        "SIGNING_PERSON_KEY": "signer",
        "SIGNING_TRUST_ROOTS": str(tokens.roots_file),
    }


@pytest.fixture
def signing_tokens(settings, softhsm_tokens) -> Tokens:
    """The SoftHSM2 tokens configured as the deployment's (token_settings)."""
    for name, value in token_settings(softhsm_tokens).items():
        setattr(settings, name, value)
    return softhsm_tokens


def render_first_page(pdf: Path, target_stem: Path) -> None:
    """The first page as a PNG (poppler's pdftoppm), for people to look at; nothing if missing."""
    if shutil.which("pdftoppm"):
        target_stem.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target_stem)],
            check=True,
        )
