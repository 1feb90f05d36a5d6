"""The service-level role x phase matrix of assemblies and petitions: for every action of
comuna/assemblies/rules.py, every phase of its object (and the body, for the actions taken
before there is one) and every persona of tests/conftest.py, ``can()`` allows exactly the
personas whose roles in council A meet the roles the table gives that action in that phase;
in a phase the table does not name, nobody. (The web matrix, tests/web/test_permission_matrix,
tests the pages.)"""

from __future__ import annotations

import pytest

from comuna.assemblies.models import PetitionStatus, Status
from comuna.assemblies.rules import TABLE, AssemblyAction, PetitionAction
from comuna.territory.permissions import can, roles
from tests.assemblies.factories import assembly_in, petition_in
from tests.conftest import PERSONAS
from tests.web.test_permission_matrix import PERSONA_ROLES

pytestmark = pytest.mark.django_db

# each kind of object, its phases and its actions; None: the body, before the object exists
SUBJECTS = {
    "assembly": (assembly_in, Status.values, list(AssemblyAction)),
    "petition": (petition_in, PetitionStatus.values, list(PetitionAction)),
}
CASES = [
    (kind, phase) for kind, (_make, phases, _actions) in SUBJECTS.items() for phase in phases
] + [(kind, None) for kind in SUBJECTS]


def test_the_table_names_only_actions_and_phases_of_its_objects():
    for action, phase in TABLE:
        kind = "assembly" if action in list(AssemblyAction) else "petition"
        assert action in SUBJECTS[kind][2], action
        assert phase is None or phase in SUBJECTS[kind][1], (action, phase)


def test_the_personas_hold_the_roles_the_matrix_is_built_on(cast):
    for persona in PERSONAS:
        assert set(roles(cast.user(persona), cast.council)) == PERSONA_ROLES[persona], persona


@pytest.mark.parametrize(("kind", "phase"), CASES, ids=[f"{k}-{p or 'body'}" for k, p in CASES])
def test_exactly_the_roles_of_the_table_may_act_in_each_phase(cast, kind, phase):
    make, _phases, actions = SUBJECTS[kind]
    obj = cast.council if phase is None else make(cast, phase)
    wrong = []
    for action in actions:
        allowed = TABLE.get((action, phase), frozenset())
        for persona in PERSONAS:
            expected = bool(PERSONA_ROLES[persona] & allowed)
            if can(cast.user(persona), action, obj) != expected:
                wrong.append(
                    f"{action} as {persona}: expected {'allowed' if expected else 'refused'}"
                )
    assert wrong == [], f"{kind} in phase {phase}"


@pytest.mark.parametrize("phase", Status.values)
def test_nobody_acts_on_another_councils_assembly(cast, phase):
    theirs = assembly_in(cast, phase, body=cast.other)
    for action in AssemblyAction:
        for persona in PERSONAS:
            if persona != "outsider":  # council B's resident: the table's residents and members
                assert not can(cast.user(persona), action, theirs), (action, persona)
    assert can(cast.outsider.user, AssemblyAction.VIEW, theirs)
