def test_home_page_renders_for_anyone(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
