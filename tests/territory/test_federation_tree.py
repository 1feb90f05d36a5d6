"""The federation tree is read by one recursive query each way, at any depth."""

from comuna.territory.models import Body, BodyKind


def chain(depth: int) -> list[Body]:
    """A root and ``depth`` bodies, each federated into the one before; root first."""
    bodies = [Body.objects.create(name="Raíz", slug="raiz", kind=BodyKind.CITY)]
    for level in range(1, depth + 1):
        bodies.append(
            Body.objects.create(
                name=f"Nivel {level}", slug=f"nivel-{level}", kind="other", parent=bodies[-1]
            )
        )
    return bodies


def test_ancestors_are_parent_first_in_one_query(db, django_assert_num_queries):
    bodies = chain(6)
    deepest = Body.objects.get(pk=bodies[-1].pk)
    with django_assert_num_queries(1):
        assert deepest.ancestors() == list(reversed(bodies[:-1]))


def test_descendant_ids_cover_every_depth_in_one_query(db, django_assert_num_queries):
    bodies = chain(6)
    sibling = Body.objects.create(name="Hermano", slug="hermano", kind="other", parent=bodies[2])
    Body.objects.create(name="Ajeno", slug="ajeno", kind=BodyKind.CITY)
    top = Body.objects.get(pk=bodies[2].pk)
    with django_assert_num_queries(1):
        assert top.descendant_ids() == {b.pk for b in bodies[2:]} | {sibling.pk}


def test_a_root_has_no_ancestors_and_asks_nothing(db, django_assert_num_queries):
    root = chain(1)[0]
    with django_assert_num_queries(0):
        assert root.ancestors() == []


def test_the_tree_is_read_once_per_instance_and_again_after_a_refresh(
    db, django_assert_num_queries
):
    bodies = chain(2)
    root = Body.objects.get(pk=bodies[0].pk)
    leaf = Body.objects.get(pk=bodies[-1].pk)
    root.descendant_ids(), leaf.ancestors()
    with django_assert_num_queries(0):
        assert root.descendant_ids() == {b.pk for b in bodies}
        assert leaf.ancestors() == [bodies[1], root]
    late = Body.objects.create(name="Nuevo", slug="nuevo", kind="other", parent=root)
    root.refresh_from_db()
    assert late.pk in root.descendant_ids()
