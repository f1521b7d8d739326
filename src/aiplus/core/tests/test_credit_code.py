import random

import pytest

from aiplus.core import credit_code, services
from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent, Organisation
from aiplus.portal.demo import make_credit_code


def test_published_example_code_is_valid():
    # The sample code printed in GB 32100-2015's explanatory material and widely reproduced.
    assert credit_code.validate("91350100M000100Y43") == "91350100M000100Y43"


def test_generated_codes_validate_and_a_changed_check_character_fails():
    rng = random.Random(1)
    for _ in range(200):
        code = make_credit_code(rng, "320500", "enterprise")
        assert credit_code.validate(code) == code
        wrong = code[:17] + next(c for c in credit_code.ALPHABET if c != code[17])
        with pytest.raises(credit_code.CreditCodeError) as caught:
            credit_code.validate(wrong)
        assert caught.value.rule == "check" and caught.value.expected == code[17]


@pytest.mark.parametrize(("code", "rule"), [
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y4I", "alphabet"),
    ("91AB0100M000100Y43", "division"),
    ("91350100M000100Y44", "check"),
])
def test_each_rule_is_named(code, rule):
    with pytest.raises(credit_code.CreditCodeError) as caught:
        credit_code.validate(code)
    assert caught.value.rule == rule


def test_service_rejects_wrong_check_character_with_clear_error_and_writes_nothing(make_org):
    before_orgs, before_events = Organisation.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.create_organisation(acting_user=make_org.admin, jurisdiction="suzhou", kind="enterprise",
                                     name="校验位错误有限公司", credit_code="91350100M000100Y44")
    assert caught.value.field == "credit_code"
    assert caught.value.code == "credit_code_check"
    assert "校验位" in str(caught.value.message) and "3" in str(caught.value.message)
    assert Organisation.objects.count() == before_orgs
    assert AuditEvent.objects.count() == before_events
