import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.validators import ChorusPasswordValidator, character_class_count


@pytest.mark.parametrize(
    ("password", "count"),
    [("abc", 1), ("abcABC", 2), ("abcABC123", 3), ("abcABC123!", 4), ("éééé", 1)],
)
def test_character_class_count(password, count):
    assert character_class_count(password) == count


@pytest.mark.parametrize("password", ["Abcdefghij1!", "abcdefghij12!", "ABCDEFGHIJ1!", "Bonjour-Monde-42"])
def test_accepted(password):
    ChorusPasswordValidator().validate(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Abc1!", "password_too_short"),
        ("abcdefghijklmn", "password_too_simple"),
        ("abcdefghijk123", "password_too_simple"),
    ],
)
def test_refused(password, code):
    with pytest.raises(ValidationError) as excinfo:
        ChorusPasswordValidator().validate(password)
    assert code in {error.code for error in excinfo.value.error_list}


@pytest.mark.django_db
def test_configured_in_settings():
    with pytest.raises(ValidationError):
        validate_password("court")
