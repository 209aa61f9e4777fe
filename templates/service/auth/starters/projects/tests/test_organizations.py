from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def signed_up(client: TestClient, email: str, full_name: str) -> dict[str, str]:
    body = {"email": email, "password": PASSWORD, "full_name": full_name}
    response = client.post("/auth/signup", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_creating_an_organization_makes_the_caller_its_owner(client: TestClient) -> None:
    ada = signed_up(client, "ada@example.com", "Ada Lovelace")
    new = {"name": "Ada Labs", "slug": "ada-labs"}

    created = client.post("/organizations", json=new, headers=ada)

    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Ada Labs"
    assert body["slug"] == "ada-labs"
    assert body["role"] == "owner"
    assert client.get("/organizations", headers=ada).json() == [body]


def test_a_taken_slug_is_409_and_a_bad_one_422(client: TestClient) -> None:
    ada = signed_up(client, "ada@example.com", "Ada Lovelace")
    bob = signed_up(client, "bob@example.com", "Bob Babbage")
    client.post("/organizations", json={"name": "Ada Labs", "slug": "ada-labs"}, headers=ada)

    taken = client.post("/organizations", json={"name": "Mine", "slug": "ada-labs"}, headers=bob)
    bad = client.post("/organizations", json={"name": "Mine", "slug": "Not A Slug"}, headers=bob)

    assert taken.status_code == 409
    assert taken.json() == {"detail": "Slug already taken"}
    assert bad.status_code == 422
    assert client.get("/organizations", headers=bob).json() == []


def test_owners_add_existing_users_by_email_and_the_database_refuses_everybody_else(
    client: TestClient,
) -> None:
    ada = signed_up(client, "ada@example.com", "Ada Lovelace")
    bob = signed_up(client, "bob@example.com", "Bob Babbage")
    carol = signed_up(client, "carol@example.com", "Carol Clark")
    org = client.post("/organizations", json={"name": "Ada Labs", "slug": "ada-labs"}, headers=ada)
    members = f"/organizations/{org.json()['id']}/members"

    added = client.post(members, json={"email": "BOB@example.com", "role": "member"}, headers=ada)

    assert added.status_code == 201
    assert added.json()["full_name"] == "Bob Babbage"
    assert added.json()["role"] == "member"
    listed = client.get(members, headers=bob)
    assert listed.status_code == 200
    assert [(m["full_name"], m["role"]) for m in listed.json()] == [
        ("Ada Lovelace", "owner"),
        ("Bob Babbage", "member"),
    ]
    # A member may not add anybody; an outsider neither, and cannot even list the members.
    by_member = client.post(members, json={"email": "carol@example.com"}, headers=bob)
    assert by_member.status_code == 403
    by_outsider = client.post(members, json={"email": "carol@example.com"}, headers=carol)
    assert by_outsider.status_code == 403
    assert client.get(members, headers=carol).status_code == 404
    # Unknown address, already a member, a role the API does not hand out.
    unknown = client.post(members, json={"email": "nobody@example.com"}, headers=ada)
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "No user with that e-mail address"}
    assert client.post(members, json={"email": "bob@example.com"}, headers=ada).status_code == 409
    owner = client.post(members, json={"email": "carol@example.com", "role": "owner"}, headers=ada)
    assert owner.status_code == 422


def test_every_organization_endpoint_needs_an_access_token(client: TestClient) -> None:
    some_id = "00000000-0000-4000-8000-000000000000"
    for method, path in [
        ("GET", "/organizations"),
        ("POST", "/organizations"),
        ("GET", f"/organizations/{some_id}/members"),
        ("POST", f"/organizations/{some_id}/members"),
    ]:
        response = client.request(method, path, json={})
        assert response.status_code == 401, (method, path)
