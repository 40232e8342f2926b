"""Demo: the dashboard's rollup, as the nightly job would have left it (dashboard/rollup.py)."""

import time

from dangjian.core.demo import DemoContext, demo_builder
from dangjian.dashboard import rollup


@demo_builder(order=110)
def build_dashboard_rollup(ctx: DemoContext) -> None:
    started = time.perf_counter()

    def progress(done, total):
        if done == total or done % 20 == 0:
            ctx.log(f"  仪表盘统计汇总 {done}/{total}")

    count = rollup.refresh(progress=progress)
    ctx.log(f"  仪表盘统计汇总：{count}个区域（{time.perf_counter() - started:.0f}秒）")
