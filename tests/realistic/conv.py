#!/usr/bin/env python3
"""Support conventions as customers write them (issue 14): resolution,
severity A and Subject SR forms, each with its near misses.

Writes NAME.eml + NAME.json (the shared corpus label format, see
../shared/corpus/README.md) into the directory given as argv[1]; run by
tests/conventions.t through the independent scorer.  Python standard library
only, deterministic (seeded; no clock).  The date is fixed by --now
2024-12-10, so every SR below is dated on or before 10 Dec 2024.

Each case is a customer's new text put into one of the mail shapes support
actually receives: Outlook's Japanese and English header blocks (with and
without the underscore rule), Gmail's and iPhone's attributions in both
languages, HTML replies (Outlook divRplyFwdMsg, Gmail gmail_quote), HTML-only
mail from Outlook for Windows (its bordered 差出人:/From: block), and deep
threads (five and more quoted levels whose old text says other things:
resolved, raise to Sev A, クローズしてください).  Only the newest text may
decide.

Label extension: `todo` (a reason) marks a known limit, reported as TAP
TODO by the runner.  Untrusted input: none (we generate it).  Limits: a few
hundred small messages.
"""
import base64
import json
import os
import random
import sys
from email.header import Header

RND = random.Random(20241214)
SR = "2412050040012345"     # 5 Dec 2024
SR_B = "2411280040098765"   # another valid SR (28 Nov 2024)
FROM_JA = "佐藤 花子 <h.sato@contoso.co.jp>"
FROM_EN = "Hanako Sato <h.sato@contoso.co.jp>"
TO = "Microsoft Support <supportmail@microsoft.com>"
SUP = "Microsoft Support <supportmail@microsoft.com>"
OUT = []


def enc_subject(s):
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        return Header(s, "utf-8").encode()


def headers(subject, ctype, extra=()):
    h = ["From: %s" % enc_subject(FROM_JA), "To: %s" % TO, "Subject: %s" % enc_subject(subject),
         "Date: Tue, 10 Dec 2024 10:15:00 +0900",
         "Message-ID: <%08x.conv@contoso.co.jp>" % RND.getrandbits(32), "MIME-Version: 1.0"]
    h += list(extra)
    h.append("Content-Type: %s" % ctype)
    return "\n".join(h) + "\n"


def plain(subject, body, extra=()):
    data = base64.encodebytes(body.replace("\n", "\r\n").encode()).decode()
    return headers(subject, 'text/plain; charset="utf-8"', extra) + \
        "Content-Transfer-Encoding: base64\n\n" + data


def html_alt(subject, text, html, extra=()):
    b = "alt_%08x" % RND.getrandbits(32)
    out = [headers(subject, 'multipart/alternative; boundary="%s"' % b, extra), "\n"]
    for ct, body in (("text/plain", text), ("text/html", html)):
        out.append('--%s\nContent-Type: %s; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n%s'
                   % (b, ct, base64.encodebytes(body.replace("\n", "\r\n").encode()).decode()))
    out.append("--%s--\n" % b)
    return "".join(out)


def html_only(subject, html, charset="utf-8", extra=()):
    data = base64.encodebytes(html.replace("\n", "\r\n").encode(charset)).decode()
    return headers(subject, 'text/html; charset="%s"' % charset, extra) + \
        "Content-Transfer-Encoding: base64\n\n" + data


def outlook_desktop_html(new, ja=True):
    """Outlook for Windows (Word HTML): the reply header is a bordered div with
    <b>From:</b> / <b>差出人:</b> lines, no id to find it by."""
    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paras = "".join('<p class="MsoNormal">%s<o:p></o:p></p>\n' % (esc(l) or "&nbsp;") for l in new.split("\n"))
    if ja:
        head = ("<b>差出人:</b> Microsoft サポート &lt;supportmail@microsoft.com&gt;<br>\n<b>送信日時:</b> "
                "2024年12月9日 18:00<br>\n<b>宛先:</b> 佐藤 花子<br>\n<b>件名:</b> RE: [SR#%s]" % SR)
        old = esc(SUP_JA + "\n> " + DEEP_OLD[0] + "\n> " + DEEP_OLD[1]).replace("\n", "<br>\n")
    else:
        head = ("<b>From:</b> Microsoft Support &lt;supportmail@microsoft.com&gt;<br>\n<b>Sent:</b> Monday, "
                "December 9, 2024 6:00 PM<br>\n<b>To:</b> Hanako Sato<br>\n<b>Subject:</b> RE: TrackingID#%s" % SR)
        old = esc(SUP_EN + "\n> " + DEEP_OLD[2] + "\n> " + DEEP_OLD[3]).replace("\n", "<br>\n")
    return ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8"></head>'
            '<body lang="JA"><div class="WordSection1">\n%s<p class="MsoNormal">&nbsp;</p>\n'
            '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0mm 0mm 0mm">\n'
            '<p class="MsoNormal">%s</p>\n</div>\n<p class="MsoNormal">%s</p>\n</div></body></html>\n'
            % (paras, head, old))


def add(name, eml, expect="deliver", sr=SR, resolution=False, why="", **ext):
    lab = {"expect": expect, "secrets": [], "keep": [], "sr": sr if expect == "deliver" else None,
           "resolution": resolution, "why": why}
    lab.update(ext)
    OUT.append((name, eml, lab))


# ------------------------------------------------------------------ quoted history

SUP_JA = ("佐藤様\n\nいつもお世話になっております。\n日本マイクロソフト Microsoft Defender for Endpoint "
          "サポート担当の吉田です。\n\nご案内の手順で事象が解消したかご確認いただけますでしょうか。\n"
          "解決した場合はクローズのご連絡をお願いいたします。\n重要度 A への変更をご希望の場合は、"
          "お電話で新規リクエストをお願いいたします。\n\n吉田\n")
SUP_EN = ("Hi Hanako,\n\nCould you check whether the steps resolved the issue? If the issue is "
          "resolved, please let us know and we will close the case.\nIf you need Severity A, "
          "please open a new request by phone.\n\nBest regards,\nAlex\nMicrosoft Support\n")


def q(text, depth=1):
    return "".join((">" * depth + " " + l).rstrip() + "\n" for l in text.split("\n"))


def outlook_ja(subj, old=SUP_JA, rule=False):
    return (("________________________________\n" if rule else "") +
            "差出人: %s\n送信日時: 2024年12月9日 18:00\n宛先: %s\n件名: %s\n\n%s"
            % (SUP, FROM_JA, subj, old))


def outlook_en(subj, old=SUP_EN, rule=True):
    return (("________________________________\n" if rule else "") +
            "From: %s\nSent: Monday, December 9, 2024 6:00 PM\nTo: %s\nSubject: %s\n\n%s"
            % (SUP, FROM_EN, subj, old))


def gmail_en(subj, old=SUP_EN):
    return "On Mon, Dec 9, 2024 at 6:00 PM Microsoft Support <supportmail@microsoft.com> wrote:\n\n" + q(old)


def gmail_ja(subj, old=SUP_JA):
    return "2024年12月9日(月) 18:00 Microsoft Support <supportmail@microsoft.com>:\n\n" + q(old)


def iphone_en(subj, old=SUP_EN):
    return "Sent from my iPhone\n\nOn Dec 9, 2024, at 18:00, Microsoft Support <supportmail@microsoft.com> wrote:\n\n" + q(old)


def iphone_ja(subj, old=SUP_JA):
    return "iPhoneから送信\n\n2024/12/09 18:00、Microsoft Support <supportmail@microsoft.com>のメール:\n\n" + q(old)


# Old levels of a deep thread: each says something the newest text must not inherit.
DEEP_OLD = [
    "解決しました。本件クローズをお願いします。",
    "重大度を A に引き上げてください。",
    "This issue is resolved, you may close the case.",
    "Please raise the severity of this case to Sev A.",
    "ログを添付します。",
    "おかげさまで直りました。",
]


def deep(subj, levels=6, ja=True):
    """Gmail-style nesting: level k is quoted k times, newest first."""
    out = []
    for k in range(1, levels + 1):
        att = ("2024年12月%d日 10:%02d Microsoft Support <supportmail@microsoft.com>:\n" % (9 - k % 5, k)
               if ja else "On Dec %d, 2024, at 10:%02d, Microsoft Support <supportmail@microsoft.com> wrote:\n"
               % (9 - k % 5, k))
        out.append(">" * (k - 1) + (" " if k > 1 else "") + att)
        out.append(q(DEEP_OLD[(k - 1) % len(DEEP_OLD)] + "\n", k))
    return "\n" + "".join(out)


def outlook_deep(subj, levels=5):
    """Outlook stacks header blocks without '>' quoting."""
    out = []
    for k in range(levels):
        out.append(outlook_ja(subj, DEEP_OLD[k % len(DEEP_OLD)] + "\n\n", rule=(k % 2 == 0)))
    return "\n".join(out)


JA_SHAPES = [outlook_ja, lambda s: outlook_ja(s, rule=True), gmail_ja, iphone_ja, deep, outlook_deep]
EN_SHAPES = [outlook_en, lambda s: outlook_en(s, rule=False), gmail_en, iphone_en,
             lambda s: deep(s, 7, False), outlook_deep]

GREET_JA = ["吉田様\n\nいつもお世話になっております。コントソの佐藤です。\n\n",
            "Microsoft サポート ご担当者様\n\nお世話になっております。コントソ株式会社 情報システム部の佐藤でございます。\n\n",
            "吉田さん\n\nお疲れさまです、佐藤です。\n\n"]
SIGN_JA = ["\n\nよろしくお願いいたします。\n佐藤\n", "\n\n以上、よろしくお願い申し上げます。\n\nコントソ株式会社\n佐藤 花子\n",
           "\n\n佐藤\n"]
GREET_EN = ["Hi Alex,\n\n", "Hello Alex,\n\nThanks for the follow-up.\n\n", "Dear Microsoft Support,\n\n"]
SIGN_EN = ["\n\nBest regards,\nHanako\n", "\n\nThanks,\nHanako Sato\nContoso IT\n", "\n\nCheers,\nHanako\n"]

SUBJ_JA = "RE: [SR#%s] 定期スキャンが途中で停止する" % SR
SUBJ_EN = "RE: Scan stops at 40 percent - TrackingID#%s" % SR


def message(name, new, ja, i, expect="deliver", resolution=False, why="", subject=None, html=False,
            extra=(), hist_subject=None, **ext):
    """The customer's new text, greeted and signed, above a shape of quoted history."""
    subj = subject or (SUBJ_JA if ja else SUBJ_EN)
    shapes = JA_SHAPES if ja else EN_SHAPES
    shape = shapes[i % len(shapes)]
    g = (GREET_JA if ja else GREET_EN)[i % 3]
    s = (SIGN_JA if ja else SIGN_EN)[(i // 3) % 3]
    hist = shape(hist_subject or subj)
    body = g + new + s + "\n" + hist
    if html:
        esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>\n")
        quote = ('<div id="divRplyFwdMsg">%s</div>' % esc(hist) if i % 2 else
                 '<div class="gmail_quote"><blockquote class="gmail_quote">%s</blockquote></div>' % esc(hist))
        eml = html_alt(subj, body, "<html><body><div>%s</div>%s</body></html>" % (esc(g + new + s), quote), extra)
    else:
        eml = plain(subj, body, extra)
    add(name, eml, expect=expect, resolution=resolution, why=why, **ext)


# ------------------------------------------------------------------ resolution

RES_YES_JA = [
    # formal keigo
    "先日ご案内いただいた設定変更を適用したところ、事象は解消いたしました。本件はクローズしていただいて差し支えございません。",
    "パッチ適用後、事象が発生しなくなりました。",
    "その後一週間様子を確認いたしましたが、エラーは一度も出ておりません。本件終了で結構です。",
    "おかげさまで問題が解決いたしました。ご対応いただきありがとうございました。",
    "本件につきましては、これにて終了とさせていただきます。",
    "ご提示いただいた回避策ではなく、恒久対応の更新プログラムで解決しましたので、本ケースはクローズをお願いいたします。",
    "対応不要となりましたので、本件はクローズいただけますと幸いです。",
    "再起動後、正常に動作するようになりました。",
    "検証環境・本番環境ともに問題なく動作しております。本件クローズで問題ございません。",
    "お問い合わせを取り下げさせていただきます。",
    "本件、解決済みとなりました。",
    "ご指摘の除外設定を見直したところ、誤検知が発生しなくなりました。",
    "これ以上の調査は不要です。クローズをお願いします。",
    "事象が解消されたことを確認いたしました。",
    "本件はクローズとさせていただきたく存じます。",
    # casual
    "直りました！ありがとうございます。",
    "解決しました、助かりました。",
    "アラートが出なくなったので、クローズで大丈夫です。",
    "スキャン、最後まで通るようになりました。クローズしてください。",
    "無事に復旧しました。",
    "元に戻りました。クローズでOKです。",
    "原因は不明ですが、事象は解消しました。",
    "ログは取得できませんでしたが、問題は解決しました。",
    "本件、解決いたしましたのでクローズをお願いいたします。",
    "ご連絡が遅くなりましたが、その後問題なく稼働しております。本件は終了で問題ございません。",
    "おかげさまで事象は収束いたしました。",
    "アップデート適用後は事象が再現しておりません。",
    "その後、同様のエラーは発生しておりません。",
    "問題が解消されたことを確認できましたので、本件はクローズしていただいて構いません。",
    "クローズ処理をお願いいたします。",
    "なおったよ、ありがとう！",
    "解決です！",
    "OKです、本件は閉じてください。",
    "本件は完了とさせていただきます。",
    "先ほどご案内いただいた手順で解決できました。ありがとうございました。",
    "本件、こちらで解決いたしましたので、クローズしていただけますでしょうか。",
    "問題なくなりましたので、クローズで。",
    "事象は再現しなくなりましたので、本件はクローズとしてください。",
    "結論から申し上げますと、解決いたしました。",
    "誤検知が解消されましたので、本件完了とさせてください。",
    "無事解決しました！",
    "エラーが表示されなくなったことを確認しました。",
    "本日より正常稼働しております。",
    "本件はもう大丈夫です。",
    "ケースを閉じていただいて結構です。",
    "本件についてはクローズでお願いします。",
    "もう問題は発生していないので閉じてください。",
    "以上で解決です。",
    "お騒がせしましたが、解決しました。",
    "本件、ご教示いただいた方法で無事に解消することができました。",
    "当該エラーは、以降出力されておりません。",
    "今回の件は解決となります。",
    "お陰様で、本事象は解消に至りました。",
    "解消を確認できましたので、クローズいただいて差し支えありません。",
    "問題が解決したため、本問い合わせはクローズでお願いいたします。",
    "現象が解消しましたので、クローズしていただければと存じます。",
    "設定を元に戻したところ、解決しました。",
    "解決しました。念のため一週間様子を見ましたが問題ありません。",
    "解決しました。経過観察いたしましたが再発はありません。",
    # an opinion that permits to close is still a close; polite 〜いただければ幸いです
    "クローズで問題ないと思います。",
    "本件は終了とさせていただければと存じます。",
    "本件につきましてはクローズいただければ幸いです。",
    "本件はクローズ可能です。",
    "本件はクローズしてください。再発したら再オープンします。",
    "クローズで結構です、再発した場合は改めてご連絡いたします。",
    "以前の SR で案内された手順で解決しました。",
    "前回のケースと同じ手順で解決しました。",
    "ステータス：解決",
    "結論：解決しました。",
    # the finding as a noun, usable again, クローズのご対応
    "ご教示いただいた手順にて事象の解消を確認いたしました。",
    "本事象につきましては、解消を確認できましたのでご報告いたします。",
    "おかげさまで、現在は問題なく利用できております。",
    "本件、クローズのご対応をお願いできますでしょうか。",
]

RES_YES_EN = [
    "Thanks, that fixed it! Feel free to close the case.",
    "The issue no longer occurs after the update.",
    "No further action needed on our side, you may mark this as solved.",
    "We applied the hotfix yesterday and have not seen the error since.",
    "Everything is working as expected now. Please close this case.",
    "I can confirm the issue has been resolved.",
    "The alerts stopped after we changed the exclusion. You can close the ticket.",
    "Rebooting the sensor resolved the issue.",
    "All good now, we are good to close this case.",
    "Happy for you to close this out.",
    "Problem solved. Thanks for your help!",
    "The scan now completes and the issue no longer occurs. Could you please close the case?",
    "We no longer need assistance with this request.",
    "Please consider this case resolved.",
    "The problem went away after installing KB5044281.",
    "The root cause is still unknown, but the issue no longer occurs.",
    "Issue resolved, thanks!",
    "That did the trick, thanks a lot.",
    "It works again.",
    "Resolved.",
    "Nothing else is needed from our side; this case can be closed.",
    "Good news - the issue is fixed.",
    "You can go ahead and close this ticket.",
    "Please feel free to close this ticket.",
    "This can be closed.",
    "Fixed now, thanks!",
    "The issue has not recurred since.",
    "Haven't seen the error since Tuesday.",
    "Confirmed fixed.",
    "We consider the matter closed.",
    "The fix worked.",
    "Issue is resolved.",
    "Thanks, the issue has been sorted.",
    "We're good now, you can close this one.",
    "All sorted, please close.",
    "The update has fixed the problem.",
    "Since applying the patch, the errors have stopped.",
    "You can go ahead and mark the case as resolved.",
    "I'm happy for this case to be closed.",
    "Nothing more to do here, thanks.",
    "The fix you provided worked perfectly.",
    "Issue no longer reproducible.",
    "We can confirm the alerts are gone.",
    "Confirmed - working fine now.",
    "Closing this out from our side.",
    "We no longer see the issue.",
    "We were able to resolve the issue with your guidance.",
    "Resolved on our end, thank you.",
    "Everything looks good now.",
    "Kindly close the ticket.",
    "Please proceed with closing the case.",
    "I am confirming that the issue is fixed.",
    "We're not seeing the issue anymore.",
    "Errors have not reappeared since the update.",
    "The issue is resolved; Defender is monitoring the endpoint normally again.",
    "I think you can close this case now.",
    # non-native English
    "The error is not occurred anymore.",
    "The error does not occur anymore after apply the patch.",
    "The symptom is not happen again after reboot.",
    "We could solve the problem. Thank you.",
    # close, and reopen if it recurs (the condition belongs to the second clause)
    "You can close the ticket, we'll reach out again if it happens again.",
    "Please close the case; I will reopen it if it recurs.",
    "Please close this case. If the issue recurs, we will open a new one.",
    # another case named only as the source of the fix
    "The previous case's patch fixed this one too.",
    "We used the fix from our previous ticket and it resolved the issue.",
    "Same as SR %s, this one is resolved as well." % SR_B,
    "Update: resolved after the reboot.",
    "We'd appreciate it if you could close this case.",
    "No problem to close this case.",
    "There is no problem anymore.",
]

RES_NO_JA = [
    # negated
    ("まだ解決していません。追加のログをお送りします。", "negated"),
    ("手順を試しましたが解消できませんでした。", "negated"),
    ("事象は一部解消しましたが、サーバー3台ではまだ発生しています。", "partial, still occurring"),
    ("未解決のため、引き続き調査をお願いいたします。", "未解決"),
    # conditional / hypothetical / question / in progress
    ("解決しましたらご連絡いたします。", "conditional"),
    ("パッチ適用で解決した場合は、こちらからクローズのご連絡をいたします。", "conditional"),
    ("解消したか確認中です。", "in progress"),
    ("明日の再起動で解消する見込みです。", "expectation"),
    ("解消したようですが、念のため数日様子を見ます。", "tentative, monitoring"),
    ("解決しましたでしょうか？こちらではまだエラーが出ています。", "question"),
    ("クローズしてもよろしいでしょうか。", "question to support"),
    # request not to close / continues
    ("解決するまでクローズしないでください。", "do not close"),
    ("事象は収まりましたが、原因が分かるまでクローズは待ってください。", "contrast, keep open"),
    ("一旦解消しましたが、本日また同じエラーが発生しました。", "recurred"),
    ("先日は解消したとお伝えしましたが、本日また同じエラーが出ています。", "reported then contradicted"),
    ("前回「解決しました」と書きましたが、再発しました。", "quoted own words, recurred"),
    ("解決しました。しかし、別のサーバーで再発しています。", "next sentence contrasts"),
    ("再起動で直りました。ただ、原因を教えていただけますでしょうか。", "next sentence contrasts"),
    ("テスト環境では解決しましたが、本番環境では引き続き発生しています。", "contrast, continues"),
    ("解決しました。引き続き原因調査をお願いします。", "continues"),
    # scope
    ("別件（SR %s）は解決しました。本件は引き続き調査をお願いいたします。" % SR_B, "another SR"),
    ("別件のほうは解決しましたので、そちらはクローズいただいて結構です。", "another case"),
    ("SR %s は解決しました。" % SR_B, "names another SR"),
    ("前回の件は解決しましたが、新たに別の問題が発生しました。", "previous case"),
    # no resolution words at all
    ("ログを添付いたします。ご確認をお願いいたします。", "plain update"),
    ("クローズの手順を教えてください。", "asks how to close"),
    ("解決に向けて対応中です。", "in progress"),
    ("解決策を教えてください。", "asks for a solution"),
    ("クローズはまだしないでください。", "not yet"),
    ("解決済みと伺っておりましたが、まだ発生しています。", "reported then contradicted"),
    ("ご回答いただいた内容で解決するか確認します。", "will check"),
    ("解消されたように見えますが、念のため確認させてください。", "tentative"),
    ("解決したと思ったのですが、再起動後にまたエラーが出ました。", "thought so, recurred"),
    ("お客様からは解決したと連絡がありましたが、こちらで確認中です。", "reported, checking"),
    ("以前は解決していたのですが、今週から再び発生しています。", "recurred"),
    ("解決していただけますでしょうか。", "asks support to solve it"),
    ("早急に解決をお願いします。", "asks for a solution"),
    ("解決したいので、手順を教えてください。", "wants to solve it"),
    ("解決しておらず、困っています。", "negated"),
    ("解決できていません。", "negated"),
    ("直らないので困っています。", "negated"),
    ("クローズする前に確認させてください。", "before closing"),
    ("対応が完了したらクローズします。", "conditional"),
    ("解決したかどうか、ご確認いただけますか。", "question"),
    ("事象は解消されましたか？", "question"),
    ("解決したという認識でよろしいでしょうか。", "question to confirm"),
    ("もう少しで解決しそうです。", "not yet"),
    ("チケットを閉じないでください。", "do not close"),
    ("解決することができませんでした。", "negated"),
    ("解決となりますでしょうか。", "question"),
    ("解決しました。しばらく様子を見ます。", "watching from now on"),
    ("解決しました。経過観察を続けます。", "watching from now on"),
    # hedged: an opinion, not a finding
    ("たぶん直ったと思います。", "hedged"),
    ("解決したかもしれません。", "hedged"),
    ("直ったような気がします。", "hedged"),
    ("解決したと考えております。", "hedged"),
    ("一応直りました。明日もう一度確認します。", "hedged"),
    # questions and doubts
    ("解決したのでしょうか。", "question"),
    ("本当に解決したのか疑問です。", "doubt"),
    ("解決したとは言い難いです。", "negated"),
    ("解消を確認できましたら、ご連絡いたします。", "conditional"),
    ("これまでは問題なく利用できておりましたが、本日からエラーになります。", "was fine, broke"),
    ("直ったのは一瞬だけでした。", "only for a moment"),
    ("問題なければクローズで結構です、よろしくお願いします。", "conditional"),
    ("本件とは別に、SR %s の件も解決しました。" % SR_B, "another SR, set apart from this case"),
    ("KB を適用したところ、事象は発生しなくなりました。\n念のため来週まで様子を見て、問題なければこちらからクローズの"
     "ご連絡をいたします。", "watching on; the condition governs only the close"),
    ("事象は解消しております。なお、原因については引き続き調査をお願いできますでしょうか。", "asks to go on"),
    ("対応状況：未解決", "status unresolved"),
]

RES_NO_EN = [
    ("The issue is not resolved yet; new logs attached.", "negated"),
    ("Unfortunately this did not fix the issue.", "negated"),
    ("If the patch works, you can close the case.", "conditional"),
    ("Once the update is deployed we will let you know whether the issue is resolved.", "conditional"),
    ("Is the issue resolved on your side?", "question"),
    ("Please do not close the case yet.", "request not to close"),
    ("The issue was resolved, but it came back this morning.", "contrast, recurred"),
    ("I wrote last week that it was fixed, but it is back.", "reported then contradicted"),
    ("It is fixed on the test servers. However, production still shows the error.", "next sentence contrasts"),
    ("The other case is resolved; this one still fails.", "other case, still failing"),
    ("Case %s is resolved now." % SR_B, "names another SR"),
    ("The issue seems to be resolved, we will monitor it for a few days.", "tentative, monitoring"),
    ("The patch should have fixed it, but we have not tested yet.", "modal, hypothetical"),
    ("Please keep the case open until we confirm.", "keep open"),
    ("The error has reoccurred on two machines.", "recurred"),
    ("We are still seeing the issue after the reboot.", "still"),
    ("Please close the firewall port 8080 after the test.", "close something else"),
    ("Known issue fixed in platform 4.18.24090.11, we will test it next week.", "release note"),
    ("Could you tell me how to close a case in the portal?", "asks how to close"),
    ("Attached are the logs you asked for.", "plain update"),
    ("Have you resolved the issue on your side?", "question"),
    ("I hope this resolves the issue.", "hope"),
    ("It would be great if you could close the case once the patch is out.", "conditional"),
    ("The issue is resolved for some users but not all.", "partial"),
    ("Please don't close the case.", "do not close"),
    ("We thought it was fixed, but it's happening again.", "thought so, again"),
    ("The user says the issue is resolved; we are verifying.", "third party, verifying"),
    ("Will this be fixed in the next release?", "question about a fix"),
    ("Can you confirm the issue is resolved on your end?", "question"),
    ("Let me know once the issue is resolved.", "conditional"),
    ("We expect the issue to be resolved by Friday.", "expectation"),
    ("Not sure if this resolved the issue.", "unsure"),
    ("The issue was resolved temporarily but is back.", "recurred"),
    ("Resolution is pending on our side.", "pending"),
    ("Please close the loop with the product team.", "close something else"),
    ("We'd like to close the case once we verify the fix.", "conditional"),
    ("Is this case going to be closed automatically?", "question"),
    ("The alerts stopped for a day and then started again.", "recurred"),
    ("It was working fine until this morning.", "broke again"),
    ("No errors since the reboot, but the scan is still slow.", "contrast, still"),
    ("The reboot worked but the error came back.", "contrast, recurred"),
    ("It's working fine now?", "question"),
    ("We were not able to resolve the issue.", "negated"),
    ("We are confirming whether the issue is fixed.", "still checking"),
    ("We are still seeing the error; not seeing the alert anymore.", "still"),
    ("The issue is resolved, we're still checking the other servers.", "still checking"),
    ("We opened port 8080 for the test. Please close it after the test.", "close a port"),
    # hedged: an opinion, not a finding
    ("I think it might be fixed now, will confirm tomorrow.", "hedged"),
    ("I believe the issue is resolved.", "hedged"),
    ("The issue is resolved, I think.", "hedged"),
    ("It looks like the issue is fixed.", "hedged"),
    ("Please make sure the error does not occur again.", "prevention, not a state"),
    ("We could not solve the problem.", "negated"),
    ("None of the steps fixed it.", "none"),
    ("Neither reboot nor reinstall fixed the issue.", "neither"),
    ("The fix worked for a day only.", "only for a while"),
    ("If the patch works, I'll be happy for you to close the case.", "the opening condition governs"),
    ("Apart from this case, SR %s is resolved." % SR_B, "another SR, set apart from this case"),
    ("The issue is resolved. Could you keep investigating the root cause?", "asks to go on"),
    ("If there is no problem anymore after the patch, we will tell you.", "conditional"),
]

AUTO_SUBJECTS = [
    "【自動応答】RE: [SR#%s] 定期スキャンが途中で停止する" % SR,
    "[自動返信] RE: [SR#%s] 定期スキャン" % SR,
    "自動応答: RE: [SR#%s] 定期スキャン" % SR,
    "Automatic reply: RE: Scan stops - TrackingID#%s" % SR,
    "Out of Office: RE: Scan stops - TrackingID#%s" % SR,
    "【不在】RE: [SR#%s] 定期スキャン" % SR,
    "[外部] 不在通知: RE: [SR#%s] 定期スキャン" % SR,
    "(自動応答) RE: [SR#%s] 定期スキャン" % SR,
    "Abwesenheitsnotiz: RE: Scan stops - TrackingID#%s" % SR,
    "Réponse automatique : RE: TrackingID#%s" % SR,
    "自動応答：RE: [SR#%s] 定期スキャン" % SR,
    "【自動返信】RE: [SR#%s] 定期スキャン" % SR,
    "AutoReply: TrackingID#%s" % SR,
    "[Auto-Reply] TrackingID#%s" % SR,
    "【休暇のお知らせ】[SR#%s]" % SR,
    "OOO: RE: TrackingID#%s" % SR,
    "Abwesend: RE: Scan stops - TrackingID#%s" % SR,
    "不在中: RE: [SR#%s] 定期スキャン" % SR,
]
AUTO_HEADERS = [("Auto-Submitted: auto-replied",), ("X-Auto-Response-Suppress: All",),
                ("Precedence: auto_reply",), ("Precedence: bulk",)]
AUTO_BODIES = [
    "このメールは自動応答です。\n12月16日まで不在にしております。解決済みのお問い合わせはクローズで結構です。",
    "本メールは自動送信されています。\n本件クローズをお願いします。",
    "This is an automatic reply. I am out of the office until Monday.\nIf your issue is resolved, you may close the case.",
    "This message was sent automatically. The issue is resolved, you can close the case.",
    "不在のため、自動返信しております。\n本件クローズで結構です。",
    "【自動返信】\n12/16まで不在です。\nクローズで結構です。",
    "誠に勝手ながら、12月9日から12月16日まで休暇をいただいております。\n解決済みの案件はクローズしていただいて構いません。",
    "ただいま外出中のため、ご返信は12月16日以降となります。\n本件クローズで結構です。",
    "I am out of the office until Monday. You can close the case.",
]


def resolution():
    n = 0
    for ja, yes in ((True, RES_YES_JA), (False, RES_YES_EN)):
        for i, t in enumerate(yes):
            for rep in range(2):
                k = i * 2 + rep
                message("res_yes_%s_%02d_%d" % ("ja" if ja else "en", i, rep), t, ja, k, resolution=True,
                        why="resolution: " + t[:60], html=(k % 5 == 4))
                n += 1
    for ja, no in ((True, RES_NO_JA), (False, RES_NO_EN)):
        for i, (t, what) in enumerate(no):
            for rep in range(2):
                k = i * 2 + rep + 1
                message("res_no_%s_%02d_%d" % ("ja" if ja else "en", i, rep), t, ja, k, resolution=False,
                        why="not a resolution (%s): %s" % (what, t[:50]), html=(k % 5 == 3))
                n += 1
    for i, s in enumerate(AUTO_SUBJECTS):
        message("res_auto_subject_%02d" % i, "解決しました。本件クローズをお願いします。", True, i,
                subject=s, why="automatic reply by its Subject tag: never tagged")
        n += 1
    for i, h in enumerate(AUTO_HEADERS):
        message("res_auto_header_%02d" % i, "This issue is resolved. You may close the case.", False, i,
                extra=h, why="automatic reply by its header %s" % h[0].split(":")[0])
        n += 1
    for i, b in enumerate(AUTO_BODIES):
        message("res_auto_body_%02d" % i, b, i < 2 or 4 <= i < 8, i, why="automatic reply saying so in its body")
        n += 1
    # a person writing about an absence is not an automatic reply
    message("res_yes_absence_topic", "解決しました。本件クローズで結構です。", True, 2,
            subject="[外部] RE: [SR#%s] 不在中の対応について" % SR, resolution=True,
            why="不在 in a human Subject is not an automatic-reply tag")
    # a person writing about being away, or about auto-reply settings, is not an automatic reply
    message("res_yes_away_human", "出張中のため、返信が遅くなりました。解決しました。", True, 3, resolution=True,
            why="a person explaining a late reply is not an automatic reply")
    message("res_yes_away_human_en", "I am out of the office tomorrow, but the issue is resolved. You can close "
            "the case.", False, 4, resolution=True, why="a person mentioning an absence is not an automatic reply")
    message("res_yes_autoreply_topic", "自動返信の設定を変更したところ、解決しました。", True, 5, resolution=True,
            why="自動返信 as the topic is not an automatic reply")
    # the gateway tag alone does not make a mail automatic
    message("res_yes_gateway_tag", "解決しました。本件クローズで結構です。", True, 1,
            subject="[外部] RE: [SR#%s] 定期スキャン" % SR, resolution=True,
            why="a gateway tag is not an automatic-reply tag")
    # the author's status tag in the Subject decides when the new text says nothing either way
    hj, he = SUBJ_JA, SUBJ_EN
    subject_yes = [
        ("RE: [SR#%s] 【解決】定期スキャンが途中で停止する" % SR, "ご対応ありがとうございました。", True),
        ("【解決済み】" + hj, "ありがとうございました。", True),
        ("RE: [SR#%s] クローズ依頼" % SR, "ありがとうございました。", True),
        ("RE: [SR#%s] 定期スキャン（解決しました）" % SR, "お世話になりました。", True),
        ("Re: [SR#%s] Resolved - please close" % SR, "Thanks for your help.", False),
        ("Resolved: " + he, "Thank you.", False),
        (he + " - Please close", "Thank you.", False),
        (he + " (solved)", "Thanks again.", False),
    ]
    subject_no = [
        ("RE: [SR#%s] 【解決】定期スキャン" % SR, "まだ発生しています。", True, "the new text goes on"),
        ("RE: [SR#%s] 【解決】定期スキャン" % SR, "まだ解決していません。", True, "the new text says unresolved"),
        ("Re: [SR#%s] Resolved - please close" % SR, "No, it's not fixed.", False, "the new text says not fixed"),
        ("RE: [SR#%s] 【解決】定期スキャン" % SR, "解決しましたが、念のため原因を教えてください。", True,
         "the new text speaks and decides"),
        ("RE: [SR#%s] 【未解決】定期スキャン" % SR, "ご確認ください。", True, "未解決"),
        ("RE: [SR#%s] 解決策について" % SR, "ログを送ります。", True, "解決策 is not a status"),
        ("RE: [SR#%s] 解決済みの件について" % SR, "ログを送ります。", True, "attributive, not a status"),
        ("RE: TrackingID#%s Resolved?" % SR, "Logs attached.", False, "a question"),
        ("RE: TrackingID#%s - Issue not resolved" % SR, "Logs attached.", False, "negated"),
        ("RE: TrackingID#%s How to close the firewall port" % SR, "Logs attached.", False, "closes a port"),
        ("[Resolved] " + he, "Thanks.", False, "the milter's own tag, carried over"),
    ]
    for i, (s, t, ja) in enumerate(subject_yes):
        for rep in range(2):
            message("res_yes_subject_%02d_%d" % (i, rep), t, ja, i * 2 + rep, subject=s, resolution=True,
                    hist_subject=hj if ja else he, why="status tag in the Subject: " + s[:50])
            n += 1
    for i, (s, t, ja, what) in enumerate(subject_no):
        for rep in range(2):
            message("res_no_subject_%02d_%d" % (i, rep), t, ja, i * 2 + rep, subject=s,
                    hist_subject=hj if ja else he, why="Subject tag does not resolve (%s): %s" % (what, s[:40]))
            n += 1
    # inherited: Outlook's header block in the history shows the same tag (shapes 0 and 1 carry the Subject)
    for i in range(2):
        s = "RE: [SR#%s] 【解決】定期スキャン" % SR
        message("res_no_subject_inherited_%d" % i, "ログを追加で送付します。", True, i, subject=s, hist_subject=s,
                why="the Subject tag is inherited from the quoted history")
        n += 1
    # a bare yes to support's "may we close this case?" in the newest quoted mail
    ask_ja = "佐藤様\n\nご確認ありがとうございます。\n本件クローズさせていただいてもよろしいでしょうか。\n\n吉田\n"
    ask_en = "Hi Hanako,\n\nThanks for confirming the fix. May we close this case?\n\nBest regards,\nAlex\n"
    answers = [("はい、問題ありません。", True, True), ("差し支えございません。", True, True), ("はい。", True, True),
               ("Yes, please go ahead.", False, True), ("Sure, go ahead and close it.", False, True),
               ("OK.", False, True),
               ("承知しました。", True, False), ("はい、まだ発生しています。", True, False),
               ("いいえ、まだクローズしないでください。", True, False),
               ("OK, I will check and get back to you.", False, False), ("Yes, but the error is back.", False, False),
               ("No, please keep it open.", False, False)]
    for i, (t, ja, yes) in enumerate(answers):
        shapes = [outlook_ja, gmail_ja, iphone_ja] if ja else [outlook_en, gmail_en, iphone_en]
        for k, shape in enumerate(shapes):
            subj = SUBJ_JA if ja else SUBJ_EN
            body = (GREET_JA if ja else GREET_EN)[k] + t + (SIGN_JA if ja else SIGN_EN)[k] + "\n" + \
                shape(subj, ask_ja if ja else ask_en)
            add("res_%s_answer_%02d_%d" % ("yes" if yes else "no", i, k), plain(subj, body), resolution=yes,
                why="answer to 'may we close?' (%s): %s" % ("a bare yes" if yes else "not a bare yes", t))
            n += 1
    # only the quoted history resolves: every shape, nothing new
    for i in range(12):
        message("res_quoted_only_%02d" % i, "承知しました。" if i % 2 == 0 else "Noted, thanks.", i % 2 == 0, i,
                why="resolution words only in the quoted history (deep threads included)")
        n += 1
    return n


# ------------------------------------------------------------------ severity A

SEV_YES = [
    ("影響が全社に拡大したため、重要度を A に引き上げてください。", True),
    ("本件の重大度をＡに変更していただけますでしょうか。", True),
    ("Sev A に上げてください。", True),
    ("業務が停止しているため、Sev.A 対応をお願いします。", True),
    ("重大度Aでの対応を希望します。", True),
    ("至急、優先度を最高に変更してください。", True),
    ("本番環境全体が停止しています。重大度をクリティカルに上げていただけますか。", True),
    ("24時間対応をお願いできますでしょうか。", True),
    ("24x7 でのサポートを希望します。", True),
    ("重要度 A への変更をお願いいたします。", True),
    ("解決の目処が立たないため、Severity A にエスカレーションしてください。", True),
    ("Please raise the severity of this case to A.", False),
    ("Our production is down. Please escalate this case to Sev A.", False),
    ("We need 24/7 support on this.", False),
    ("Could you change the priority of this case to Critical?", False),
    ("Please treat this as Severity A.", False),
    ("Can you bump it to sev A? The outage is spreading.", False),
    ("We would like Severity A handling for this case.", False),
    ("Please upgrade this ticket to critical severity.", False),
    ("The business impact is severe; the severity must be raised to A.", False),
    ("Severity を A に変更してください。", True),
    ("至急対応が必要なため、重大度 A 相当でお願いします。", True),
    ("This is critical - please raise it to Sev A immediately.", False),
    ("Requesting an upgrade to Severity A.", False),
    ("Please change severity to A.", False),
    ("Need Sev A ASAP, the whole site is down.", False),
    ("重大度Aへの格上げを希望します。", True),
    ("本件を重大度Aで扱っていただけますでしょうか。", True),
    ("優先度「A」でお願いします。", True),
    ("Please escalate to Critical.", False),
    ("Kindly upgrade the severity to A.", False),
    ("We would appreciate it if you could raise this to Sev A.", False),
    ("Sev A please!", False),
    ("Requesting escalation to Severity A.", False),
    ("重大度をAランクに上げてください。", True),
    ("重要度「高」から「A」への変更をお願いします。", True),
    ("緊急度を最高レベルに設定してください。", True),
    ("Sev B から Sev A に変更してください。", True),
    ("重要度Aに変更可能でしょうか。", True),
    ("至急 Severity A で対応願います。", True),
    ("Could this be upgraded to severity A?", False),
    ("We need this escalated to Sev A.", False),
    ("Pls bump severity to A", False),
    ("Increase priority to critical please.", False),
    ("I'd like to request Sev A for this case.", False),
    ("Please raise to severity 1.", False),
    ("重大度：A でお願いします。", True),
    ("業務影響が大きいため、Severity A で再分類願います。", True),
    ("インシデントの重大度を A に上げてください。", True),
    ("本件、Sev A でのご対応に切り替えていただけますか。", True),
]

SEV_NO = [
    ("重要度 A の資産（ドメインコントローラー）で検知が出ています。", True, "asset class"),
    ("データ分類 A のファイルが隔離されました。", True, "data classification"),
    ("社内の優先度 A のインシデントとして扱っています。", True, "the customer's own priority"),
    ("A社向けの端末で発生しています。", True, "A社"),
    ("承知しました。現在の重大度のままで結構です。", True, "keep the current severity"),
    ("重大度はBのままで問題ありません。", True, "keep it at B"),
    ("ご案内のとおり、重大度 A の新規リクエストを電話で起票しました。", True, "reports the phone request"),
    ("重大度Aの基準を教えてください。", True, "asks the criteria"),
    ("影響が収まったので、重要度を A から B に下げてください。", True, "lowering"),
    ("Sev A にする必要はありません。", True, "no need"),
    ("前回の SR では Sev A で対応いただきました。", True, "past"),
    ("重大度 A に変更する方法を教えてください。", True, "asks how"),
    ("24時間体制で監視しております。", True, "the customer's own 24h operation"),
    ("Please keep it at B for now.", False, "keep it at B"),
    ("As instructed, I opened a new Severity A request by phone.", False, "reports the phone request"),
    ("What is the definition of Severity A?", False, "asks the definition"),
    ("In our internal ticketing system this is priority A.", False, "own system"),
    ("Our SOC operates 24/7.", False, "own operation"),
    ("We don't need severity A.", False, "negated"),
    ("This is a critical server for our business.", False, "critical for something else"),
    ("The asset classification of the affected server is A.", False, "asset class"),
    ("重要度Aランクのサーバーで発生しています。", True, "a server rank"),
    ("電話で Sev A を起票済みです。", True, "reports the phone request"),
    ("重大度 A の場合、24時間対応が必要とのことですが、弊社では対応できません。", True, "condition, declines"),
    ("Severity A cases need 24x7 availability from us; we cannot provide that, so please keep it at B.",
     False, "keeps B"),
    ("重大度Aで起票すべきか迷っています。", True, "wondering"),
    ("御社の重大度 A の定義では対象外でしょうか。", True, "definition"),
    ("重大度 A は不要です。", True, "not needed"),
    ("If this gets worse we may need Sev A.", False, "conditional"),
    ("Our ticket priority is A but your severity can stay B.", False, "own priority, stays B"),
    ("Please do not raise the severity.", False, "negated"),
    ("The vendor's Critical patch was applied.", False, "critical for something else"),
    ("重要度Aの端末が対象です。", True, "device class"),
    ("Sev A の対応時間を教えてください。", True, "asks the hours"),
    ("Sev A の場合の連絡先を教えてください。", True, "condition"),
    ("重大度 A で電話起票済みです。", True, "reports the phone request"),
    ("重大度Aにすると何が変わりますか。", True, "asks what changes"),
    ("Severity A requires 24x7 contact availability.", False, "definition"),
    ("Priority A customers are affected.", False, "customer class"),
    ("We asked for Sev A by phone this morning.", False, "reports the phone request"),
    ("The previous case was Sev A.", False, "past"),
    ("A社から重要度の変更依頼が来ています。", True, "A社"),
    ("カスタム検出ルールの重大度を最高に設定したいのですが、方法を教えてください。", True, "a detection rule's severity"),
    ("アラートの重大度を最高に変更してください。", True, "an alert's severity"),
    ("The alert severity shows Critical in the portal.", False, "an alert's severity"),
    ("Please raise the detection rule severity to critical.", False, "a rule's severity"),
    ("お電話で Sev A を依頼済みです。", True, "reports the phone request (済み)"),
]


def severity():
    n = 0
    for i, (t, ja) in enumerate(SEV_YES):
        for rep in range(2):
            k = i * 2 + rep
            message("sev_yes_%02d_%d" % (i, rep), t, ja, k, expect="reject", why="severity A request: " + t[:50])
            n += 1
    for i, (t, ja, what) in enumerate(SEV_NO):
        for rep in range(2):
            k = i * 2 + rep + 1
            message("sev_no_%02d_%d" % (i, rep), t, ja, k, why="not a severity A request (%s)" % what)
            n += 1
    # the request decides: a resolution and a request in the same new text
    message("sev_and_resolution_ja", "サーバー1台では解決しましたが、全社に影響が拡大したため重大度を A に引き上げてください。",
            True, 3, expect="reject", why="asks to raise to A and says something else: the request decides")
    message("sev_and_resolution_en", "The scan issue is fixed. Separately, our outage is spreading: please raise "
            "the severity of this case to A.", False, 4, expect="reject", why="request decides")
    # support's template quoted inline and in history only
    message("sev_template_quoted", "承知しました。電話での起票は不要です。", True, 0,
            why="support's template (重要度 A への変更をご希望の場合は) only in the quoted history")
    return n + 3


# ------------------------------------------------------------------ SR in the Subject

SR_FORMS = [
    "RE: [SR#{sr}] 定期スキャン", "【SR#{sr}】定期スキャン", "（{sr}）定期スキャン", "<{sr}> scan",
    "《{sr}》ログ送付", "〔SR {sr}〕", "[{sr}] ログ", "RE: Case No.{sr}", "Case No: {sr} status",
    "Case #{sr}", "SR No.{sr} update", "お問い合わせ番号：{sr}", "お問合せ番号 {sr} の件",
    "問い合わせ番号は {sr}", "問合せ {sr}", "ケース番号 {sr}", "ケース {sr} のログ", "Ticket {sr}",
    "[Ticket#{sr}] logs", "TrackingID#{sr}", "Support Request {sr}", "Support Request No.{sr}",
    "受付番号：{sr}", "SR{sr}", "{sr}", "RE: {sr}", "RE: RE: FW: {sr} logs", "Fwd: TrackingID#{sr}",
    "転送: 返信: SR#{sr}", "AW: WG: {sr}", "RE: AW: Re: {sr}", "[外部] RE: [SR#{sr}] ログ",
    "[EXTERNAL] RE: {sr}", "【社外】Re: SR {sr}", "[外部] [EXTERNAL] TrackingID#{sr}",
    ".{sr} ログ", ":{sr}", "#{sr}", "-{sr}", "_{sr}", "＃{fw}", "SR＃{fw}", "ＳＲ番号：{fw}",
    "Ｃａｓｅ　Ｎｏ．{fw}", "お問い合わせ番号（{fw}）", "【{fw}】", "{sr}001 (suffix)", "{sr}-001",
    "ＲＥ：［ＳＲ＃{fw}］", "RE: ケース{sr}", "Re[2]: TrackingID#{sr}", "・{sr}",
    "RE: 【TrackingID#{sr}】", "Re: [Case: {sr}]", "FW: SR: {sr} / logs", "[SR {sr}] RE: ログ",
    "RE: 【お問い合わせ番号：{sr}】ログ送付の件", "回复: {sr}", "RES: Case {sr}", "SV: Ticket#{sr}",
]

SR_BAD = [
    ("RE: [SR#2413050040012345] 月が13", "month 13"),
    ("RE: [SR#2402300040012345] 2月30日", "30 February"),
    ("RE: [SR#2302290040012345] 2023年2月29日", "29 February outside a leap year"),
    ("RE: [SR#2412240040012345] 未来", "a future date"),
    ("RE: [SR#1812050040012345] 古い", "more than five years old"),
    ("RE: Case 241205004001234 (15 digits)", "15 digits"),
    ("RE: order 24120500400123456 (17 digits)", "17 digits"),
    ("RE: ABC2412050040012345", "glued to letters"),
    ("【お問い合わせ番号：2413220040012345】", "impossible date with a keyword"),
    ("Ticket #2412320040012345", "day 32"),
    ("RE: [SR#%s] / [SR#%s] 2件" % (SR, SR_B), "two different SRs"),
    ("RE: Case %s と ケース %s" % (SR, SR_B), "two different SRs"),
    ("お問い合わせ", "no number"),
]


def sr_subjects():
    fw = SR.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    n = 0
    for i, f in enumerate(SR_FORMS):
        subj = f.format(sr=SR, fw=fw)
        ja = any(ord(c) > 127 for c in f)
        # the history carries no SR, so a miss cannot be repaired silently
        message("sr_form_%02d" % i, "ログを添付します。" if ja else "Logs attached.", ja, i, subject=subj,
                hist_subject="RE: 定期スキャン", why="SR form in the Subject: " + f[:40])
        n += 1
    for i, (s, what) in enumerate(SR_BAD):
        body = "ログを添付します。\n"
        add("sr_bad_%02d" % i, plain(s, body), expect="reject", sr=None,
            why="no valid single SR in the Subject (%s), none in the history" % what)
        n += 1
    return n


def html_only_cases():
    """HTML-only mail from Outlook for Windows: the history is found by its header lines."""
    cases = [
        ("解決しました。本件クローズをお願いいたします。", True, "deliver", True),
        ("まだ解決していません。ログを添付します。", True, "deliver", False),
        ("重要度を A に引き上げてください。", True, "reject", False),
        ("承知しました。", True, "deliver", False),
        ("The issue no longer occurs. You may close the case.", False, "deliver", True),
        ("Please do not close the case yet.", False, "deliver", False),
        ("Please escalate this case to Sev A.", False, "reject", False),
        ("Noted, thanks.", False, "deliver", False),
    ]
    for i, (new, ja, expect, res) in enumerate(cases):
        subj = SUBJ_JA if ja else SUBJ_EN
        add("html_outlook_%02d" % i, html_only(subj, outlook_desktop_html(new, ja)), expect=expect,
            resolution=res, why="HTML-only Outlook reply (history: the bordered header block): " + new[:40])
    return len(cases)


def main(argv):
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    n = resolution() + severity() + sr_subjects() + html_only_cases()
    for name, eml, lab in OUT:
        with open(os.path.join(out, name + ".eml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(eml)
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(lab, f, ensure_ascii=False, indent=1)
    print("%d messages" % len(OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
