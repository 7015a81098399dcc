"""What a heading or a label says a section is for, in English and Chinese.

Roles are matched on the heading's words (emoji and numbering off), first match wins, so the more
specific roles come first: "Action items" is a list of actions before "action" is a fix, "可能原因及
解决方案" is about causes before it is about solutions.
"""

from __future__ import annotations

import re

from generator.authoring.importer.text import bare, has_cjk


def _rx(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(words), re.IGNORECASE)


# Role -> the words that name it. English words are matched at word starts.
_WORDS: dict[str, list[str]] = {
    "toc": [r"^(目录|table of contents|contents|toc|本页内容|on this page)$"],
    "severity": [
        r"问题分级|告警级别|告警等级|级别定义|级别说明|严重(程度|级别|等级)|^分级",
        r"\bseverity levels?\b|\bpriority levels?\b",
    ],
    "timeline": [r"时间线|时间轴|时间表|事件经过", r"\btimeline\b|\bchronology\b|sequence of events"],
    "actions": [
        r"改进计划|改进方向|行动项|待办|跟进事项|后续(计划|行动|跟进|改进)|整改|改进措施|改进项",
        r"action.?items?|\btodos?\b|follow.?ups?|\bnext steps\b|corrective actions|remediation items",
    ],
    "lessons": [
        r"经验|教训|最佳实践|反思|学到|^复盘$",
        r"lessons?|learnings?|what went (well|wrong|badly)|where we got lucky|takeaways?|best practices",
        r"^post.?mortem$|^retrospective$",  # a section of a post-mortem named after the document's genre
    ],
    "contributing": [
        r"促成因素|次要原因|加剧因素|其他因素|叠加因素|放大因素|错误清单|致命错误",
        r"contributing|aggravating|\bmistakes\b",
    ],
    "ruled_out": [r"排除的原因|已排除|排除项", r"ruled.?out|\bexcluded\b|not the cause"],
    "hypotheses": [
        r"可能的原因|疑似原因|猜测",
        r"hypothes[ie]s|suspected|possible (root )?causes?|likely causes?",
    ],
    "health": [
        r"体检|健康检查|快速诊断|快速检查|检查清单|自检",
        r"health.?checks?|quick (checks?|diagnos)|checklist|first steps|before (anything|you start)",
        r"pre-?flight|sanity checks?|triage checklist",
    ],
    "prevention": [r"预防|防范|避免(再次|复发)", r"\bprevent|avoid (it|recurrence)|long.?term"],
    "verification": [
        r"验证|确认恢复|恢复确认|恢复标准|检验|复检",
        r"\bverif|\bvalidat|\bconfirm|check (that )?it worked|how to know it worked|success criteria",
        r"\bafter the fix\b",
    ],
    "correct": [
        r"正确(的)?做法|正确方式|应该怎么做",
        r"correct (practice|approach|way)|what (we )?should have|do instead|instead,? do",
    ],
    "signature": [
        r"报错信息|错误信息|错误日志|常见报错|常见错误(?!代码|码)|日志特征|日志示例",
        r"告警(文本|内容|模板|信息|消息)|报警(内容|信息)",
        r"common errors|\blog (messages?|lines?|output|excerpts?|samples?)|\berror (messages?|output|strings?)",
        r"alert (text|message|template)|sample (log|output)|what the logs? (say|show)",
    ],
    "symptom": [
        r"症状|现象|表现|问题描述|故障描述|用户反馈|告警含义|告警说明|^含义|^说明$|^发现",
        r"meaning|symptoms?|what you see|\bsigns\b|^description$|\bobserved\b|what happens",
        r"problem statement|how (it|we) (was )?(noticed|detected)|^detection$",
    ],
    "impact": [r"影响", r"\bimpact|blast radius|\baffected\b"],
    "cause": [r"原因|根因|根源", r"\bcauses?\b|^why\b|root.?cause|\breasons?\b"],
    "diagnosis": [
        r"排查|诊断|定位|识别|分析",
        r"\bdiagnos|\binvestigat|\btriage\b|\bdebug|how to (check|investigate|find)|\bidentif",
        r"\bchecks?\b|\bchecking\b",
    ],
    "solution": [
        r"解决|修复|处理|恢复|处置|应急|缓解|止损|方案|回滚",
        r"\bmitigat|\bremediat|\bresolution|\bresolv|\bsolutions?\b|\bfix|\bworkaround|what to do",
        r"\bactions?\b|\bresponse\b|\brecover|\bremed|\broll ?back|\brestore",
    ],
    "escalation": [
        r"升级路径|问题升级|上报|联系|值班|负责人",
        r"escalat|\bcontacts?\b|on.?call|who to (call|ask)|\bsupport\b|\bowners?\b",
    ],
    "cheatsheet": [
        r"常用命令|命令速查|速查|命令参考|命令汇总",
        r"cheat.?sheet|useful commands|^commands$|quick reference|handy commands|one.?liners",
    ],
    "reference": [
        r"参考表|错误码|错误代码|状态码|返回码|附录|术语|日志级别|配置项|参数说明",
        r"glossary|error codes|exit codes|status codes|log levels|appendix|configuration reference|^reference$",
    ],
    "links": [
        r"参考(链接|资料|文档)|相关(文档|链接|资料|资源)|^链接|文档文件|脚本文件",
        r"\blinks\b|see also|\brelated\b|further reading|\bresources\b|\breferences\b",
    ],
    "summary": [
        r"概述|摘要|简介|概要|背景|总览|适用范围|^说明",
        r"overview|summary|introduction|^intro$|^about\b|background|\bcontext\b|purpose|scope|tl;?dr",
    ],
    "environment": [
        r"环境|架构|部署信息|服务信息|系统信息",
        r"environment|architecture|infrastructure|topology|\bsetup\b",
    ],
    "procedure": [
        r"流程|步骤|操作|部署|重启|备份|维护|升级|轮换|如何",
        r"procedure|^how to\b|runbook|deploy|restart|backup|maintenance|upgrade|rotat|\bsteps?\b",
    ],
    "metrics": [r"指标|效果|统计|数据", r"metrics|figures|numbers|statistics"],
    "evidence": [r"证据|日志|截图", r"evidence|supporting information|screenshots?|\blogs?\b"],
}
# First match wins, so the more specific roles come first.
ROLES: list[tuple[str, re.Pattern[str]]] = [(role, _rx(*words)) for role, words in _WORDS.items()]

# A heading that names one problem: numbered ("问题 1", "Problem 2"), announced ("Alert: X", "告警：X"), or
# an alert's own name (CamelCase, snake_case or kebab-case, one word).
NUMBERED = re.compile(r"(问题|错误|故障|场景|情况|案例|problem|issue|error|case|scenario)\s*#?\s*\d", re.IGNORECASE)
ANNOUNCED = re.compile(
    r"^(?:alert(?:name)?|告警(?:名称)?|报警|问题|故障|issue|problem|symptom|error|错误)\s*[:：]", re.IGNORECASE
)
ALERT_NAME = re.compile(
    r"^`?(?:[A-Z][a-z0-9]*(?:[A-Z]+[a-z0-9]*)+|[a-z][a-z0-9]*(?:[_-][a-z0-9]+){1,6}|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)`?$"
)  # NodeDiskFull, node-disk-full, NODE_DISK_FULL, TiDB_schema_error
# Words of something gone wrong.
FAILURE = _rx(
    r"失败|报错|错误|异常|超时|无法|不能|不可用|不可达|宕机|挂了|挂掉|很慢|变慢|缓慢|卡住|卡死",
    r"打满|写满|已满|满了|泄漏|泄露|积压|延迟|过期|丢失|中断|断开|拒绝|不消费|未触发|未重启",
    r"未生效|不生效|过大|过高|过多|无响应|崩溃|重启循环|告警|缺失|缺少|不一致|不存在",
    r"502|503|504|404|500",
    r"\bfail|\berrors?\b|\bdown\b|unreachable|unavailable|time[sd]? ?out|timing out|\bslow\b|\bhigh\b",
    r"\blow\b|\bfull\b|not (working|starting|responding|running|found|ready)|\bcannot\b|can't|\bunable\b",
    r"refused|denied|\bcrash|\boom\b|out of memory|\bleak|\blag\b|backlog|expir|\b[45]\d\d\b|\b[45]xx\b",
    r"exhaust|stuck|\bhang|\bmissing\b|broken|\blost\b|flapping|\bdrops?\b|\bspikes?\b|degraded|\bstale\b",
    r"\bdisk pressure\b|too many|no space|\bpanic",
    # A state something is stuck in: "Pod 一直处于 Pending 状态", "stuck in Terminating", "CrashLoopBackOff".
    r"一直处于|长时间处于|卡在|处于\s*\S+\s*状态|\bstays? in\b|\bremains? in\b|backoff|crashloop|\bnotready\b",
    r"\bevicted\b|\boomkilled\b",
)
# A heading over a list of problems: its sections are the problems.
CONTAINER = _rx(
    r"常见问题|常见故障|常见错误|已知问题|问题列表|故障列表|问题清单|故障处理|告警列表|告警规则|告警处理",
    r"告警手册|^告警$|问题$",
    r"known issues|common (issues|problems|errors|failures)|^troubleshooting$|^faq|^alerts?$|^issues$",
    r"^problems$|alert (list|rules|reference)",
)
# Roles that make a section something other than a problem, whatever its words.
STRONG = {
    "toc",
    "severity",
    "timeline",
    "actions",
    "lessons",
    "health",
    "cheatsheet",
    "reference",
    "links",
    "escalation",
}
PROBLEM_PARTS = {"symptom", "impact", "signature", "diagnosis", "cause", "solution", "verification", "prevention"}


def role(heading: str) -> str | None:
    words = bare(heading)
    if not words:
        return None
    for name, pattern in ROLES:
        if pattern.search(words):
            return name
    return None


def is_label(words: str) -> bool:
    """A label names a part ("Symptoms", "常见原因", "Root cause"); a sentence ending in a colon is no label."""
    words = bare(words)
    short = len(words) <= 12 if has_cjk(words) else len(words.split()) <= 3
    return bool(words) and short and role(words) is not None


def lead_role(text: str) -> str | None:
    """The role a short introduction names ("Possible causes:"), none for a sentence."""
    return role(text) if is_label(text) else None


def is_alert_name(heading: str) -> bool:
    words = bare(heading).strip("`")
    return bool(ALERT_NAME.match(words)) and len(words) >= 6


def names_problem(heading: str) -> bool:
    """True when a heading names one problem by its shape or its words (not a part of one)."""
    words = bare(heading)
    if NUMBERED.search(words) or ANNOUNCED.search(plain_start(heading)) or is_alert_name(heading):
        return True
    r = role(heading)
    return r not in STRONG and r not in PROBLEM_PARTS and bool(FAILURE.search(words))


def plain_start(heading: str) -> str:
    return re.sub(r"^[\W_]+", "", bare(heading))


def is_container(heading: str) -> bool:
    return bool(CONTAINER.search(bare(heading))) and not NUMBERED.search(bare(heading))


# Commands that change something (a fix) rather than look (a check).
CHANGES = re.compile(
    r"\b(kill|pkill|killall|rm|rmdir|mv|cp|rsync|chown|chmod|ln|tee|truncate|sed\s+-i|restart|reload|start|stop"
    r"|enable|disable|mask|unmask|apply|delete|patch|scale|rollout\s+(undo|restart)|drain|cordon|uncordon|taint"
    r"|install|upgrade|remove|purge|prune|rmi|create|set|unset|flushall|flushdb|mkdir|touch|update|alter|insert"
    r"|drop|grant|revoke|vacuum|reindex|renew|rotate|unban|unmute|reboot|shutdown|daemon-reload|crontab|useradd"
    r"|passwd|nano|vim?|edit|copy|sync)\b|>>?\s*[/~$\w]|\w*restore\b|iptables\s+-[AID]|ufw\s+(allow|deny)"
    r"|firewall-cmd\s+--(add|permanent)",
    re.IGNORECASE,
)
CHECK_WORDS = _rx(
    r"检查|查看|确认|观察|测试|验证|排查|诊断|查询|^查",
    r"\b(check|show|look|see|inspect|verify|test|confirm|list|find|status|view|query|watch|inspect)\b",
)
FIX_WORDS = _rx(
    r"解决|修复|处理|方案|重启|修改|删除|清理|恢复|扩容|调大|禁用|启用|解除|回滚|停止|更换|添加|创建|设置|终止|杀死",
    r"\b(fix|solution|restart|change|edit|delete|remove|clean|restore|scale|raise|increase|disable|enable)\b",
    r"\b(roll ?back|stop|replace|add|create|set|renew|rotate|kill|reset|prune|free)\b",
)
ALTERNATIVE = _rx(r"(方案|方法|办法|solution|option|method|approach|fix)\s*#?\s*\d")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def command_nature(run: str) -> str:
    """'fix' when a command changes something, 'check' when it only looks."""
    code = "\n".join(ln for ln in run.split("\n") if not ln.lstrip().startswith("#"))
    code = _QUOTED.sub("''", code)  # grep -E "update|ota" looks for words, it changes nothing
    code = re.sub(r"\d*>\s*/dev/null|\d*>&\d", "", code)
    return "fix" if CHANGES.search(code) else "check"
