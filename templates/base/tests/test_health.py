from fastapi.testclient import TestClient


def test_liveness_answers_without_any_dependency(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
