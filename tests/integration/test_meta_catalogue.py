"""GET /v1/catalogue: the health forms' words served from the one Python catalogue (healthcode.models.catalogue)."""

from __future__ import annotations


def test_the_catalogue_the_api_serves_is_the_python_catalogue(lambdas, event):
    # GIVEN the catalogue's sample event WHEN the meta function answers it THEN the body is the Python catalogue,
    # public and cacheable
    import json

    from healthcode.models import catalogue

    answer = lambdas["MetaFunction"].invoke(event("meta-catalogue.json"))
    assert answer["statusCode"] == 200
    headers = {k.lower(): v for k, v in (answer.get("multiValueHeaders") or {}).items()}
    assert headers["cache-control"][0].startswith("public, max-age=")
    served = json.loads(answer["body"])
    assert served == catalogue.served()
    assert [q["code"] for q in served["questions"]] == list(catalogue.QUESTIONS)
    assert {q["code"] for q in served["questions"] if q["risk"]} == set(catalogue.RISK_QUESTIONS)
    assert [s["label"] for s in served["symptoms"]] == list(catalogue.SYMPTOMS.values())
    assert [p["code"] for p in served["macau"]["ports"]] == list(catalogue.MACAU_PORTS)


def test_the_catalogue_needs_no_session(lambdas, event):
    # GIVEN the sample event without any Authorization header WHEN answered THEN 200 (the page renders before login)
    request = event("meta-catalogue.json")
    assert not {k.lower() for k in request["headers"]} & {"authorization"}
    assert lambdas["MetaFunction"].invoke(request)["statusCode"] == 200
