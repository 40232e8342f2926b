"""The metric and rule registries: one computation per key, no rule without its regulation."""

import datetime

import pytest

from dangjian.core.registry import Finding, MetricRegistry, Rule, RuleRegistry, Severity, metrics, rules

TODAY = datetime.date(2025, 6, 30)


def test_registered_metric_can_be_found_and_still_called():
    # given an empty metric registry
    registry = MetricRegistry()

    # when a compute function is registered
    @registry.register(key="org.count", label="党组织数", unit="个")
    def count(scope, period):
        return 3

    # then it is listed under its key and the function itself is unchanged
    assert "org.count" in registry
    assert registry.get("org.count").label == "党组织数"
    assert registry.get("org.count").compute(None, None) == 3
    assert count(None, None) == 3


def test_second_metric_with_the_same_key_is_refused():
    # given a registry with a metric "org.count"
    registry = MetricRegistry()
    registry.register(key="org.count", label="党组织数")(lambda scope, period: 1)
    # when another computation is registered under the same key
    # then it is refused, naming the key: a figure the city sees has one computation
    with pytest.raises(ValueError, match="org.count"):
        registry.register(key="org.count", label="党组织数（另一种算法）")(lambda scope, period: 2)
    assert len(registry) == 1


def test_registering_the_same_rule_object_twice_is_harmless():
    # given a rule already in the registry (module imported twice by autodiscovery)
    registry = RuleRegistry()
    rule = Rule(code="ORG-03", title="支部党员不超过50人", citation="支部工作条例 Art. 4",
                severity=Severity.WARNING, check=lambda scope, on_date: [])
    registry.add(rule)
    # when the very same object is added again
    registry.add(rule)
    # then it is listed once
    assert registry.all() == [rule]


def test_second_rule_with_the_same_code_is_refused():
    registry = RuleRegistry()
    registry.register(code="ORG-03", title="支部党员不超过50人", citation="支部工作条例 Art. 4")(
        lambda scope, on_date: [])
    with pytest.raises(ValueError, match="ORG-03"):
        registry.register(code="ORG-03", title="重复", citation="支部工作条例 Art. 4")(lambda scope, on_date: [])


def test_rule_without_citation_is_refused():
    # given a check with no regulation cited
    registry = RuleRegistry()
    # when it is registered
    # then it is refused: nothing is flagged without a source
    with pytest.raises(ValueError, match="citation"):
        registry.register(code="ORG-99", title="无出处的规则", citation="")(lambda scope, on_date: [])
    assert "ORG-99" not in registry


def test_findings_are_collected_for_every_rule_in_code_order():
    # given two rules, registered out of order, one finding something
    registry = RuleRegistry()

    @registry.register(code="ORG-03", title="支部党员不超过50人", citation="支部工作条例 Art. 4")
    def too_big(scope, on_date):
        yield Finding(rule_code="ORG-03", message=f"{scope}有62名党员", subject=scope)

    @registry.register(code="LIFE-01", title="每季度召开支部党员大会", citation="支部工作条例 Art. 11")
    def members_meeting(scope, on_date):
        return []

    # when the findings for a scope are collected
    results = registry.findings("第一党支部", TODAY)

    # then every rule answers, in code order, with its findings as a list
    assert [(rule.code, [f.message for f in found]) for rule, found in results] == [
        ("LIFE-01", []),
        ("ORG-03", ["第一党支部有62名党员"]),
    ]


def test_check_receives_the_scope_and_date_it_is_asked_about():
    registry = RuleRegistry()
    seen = []
    registry.register(code="MEM-02", title="连续6个月未参加组织生活", citation="党章 Art. 9")(
        lambda scope, on_date: seen.append((scope, on_date)) or [])
    registry.findings("scope", TODAY)
    assert seen == [("scope", TODAY)]


def test_every_rule_the_apps_registered_cites_its_source():
    # given the project-wide registries filled by the apps' rules.py / metrics.py
    # when they are inspected
    # then every rule carries a citation and a known severity, and keys are unique by construction
    for rule in rules.all():
        assert rule.citation, rule.code
        assert rule.severity in Severity.LABELS, rule.code
    assert len({metric.key for metric in metrics.all()}) == len(metrics)
