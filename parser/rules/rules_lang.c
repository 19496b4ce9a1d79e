/*
 * rules_lang.c - the built-in English and Japanese patterns of the support
 * conventions (rules_priv.h), composed from parts so that each says what a
 * form means rather than listing sentences: who or what (the issue, 事象),
 * a state (resolved, 解消しました, no longer occurs, 発生しなくなりました),
 * an act on the case (close, クローズ) and how it is asked or allowed
 * (please, feel free, してください, で結構です, 差し支えございません).
 * docs/rules.md explains every list.  All patterns are matched caselessly
 * on folded text (full-width ASCII already ASCII, ｡ already 。).
 *
 * Untrusted input: none (constants).  Owns nothing.
 */
#include "rules_priv.h"

/* ------------------------------------------------------------ shared parts */

/* Japanese: a past or present-perfect ending, polite or plain (not たら/たか). */
#define JA_PAST "(?:(?:いた|致)?しました|されました|できました|しております|しています|" \
	"した(?![らかいく])|された(?![らかいく])|されて(?:おり|い)ます|済み|済|となりました|となっております|に至りました)"
/* no longer: 〜なくなりました (plain and polite) */
#define JA_NOLONGER "なくな(?:りました|った(?![らか])|っています|っております|ってきました)"
/* a request or permission after an act: して結構です, してください, でお願いします ... */
#define JA_PERMIT "(?:結構|構いません|かまいません|大丈夫|問題(?:は)?(?:ありません|ございません|ないです|ない|なし)|" \
	"差し?支え(?:は)?(?:ありません|ございません|ないです|ない|なし)|支障(?:は)?(?:ありません|ございません|ない)|" \
	"OK|オッケー|良いです|よいです|いいです|よろしいです(?!か)|可能(?:です|でございます)|お願い|願います|ください|下さい|" \
	"いただけ|頂け|いただきたく|頂きたく|いただければ|頂ければ|もらえ|ほしい|欲しい)"
/* what joins an act to its permission: を, で, して(いただいて)も ... */
#define JA_JOIN "\\s*(?:を|で|に|にて|と)?\\s*(?:して|させて)?\\s*(?:いただいて|頂いて|いただき|頂き|もらって)?\\s*(?:も)?\\s*"
/* the case as an object in English */
#define EN_CASE "(?:(?:the|this|our|my)\\s+(?:case|ticket|request|SR|incident|support\\s+(?:case|request)|service\\s+request)|" \
	"it(?!\\s+(?:after|before|again|down|off|temporarily))|" \
	"this(?!\\s+(?:port|window|file|tab|app|session|connection|account|browser|program|dialog|rule)))"
/* ... or nothing, at the end of the clause ("feel free to close.") */
#define EN_CASE_OR_END "(?:\\s+(?:out\\s+)?" EN_CASE "|(?=\\s*(?:out\\s*)?(?:[.!,;)]|$|now\\b|thanks\\b|thank\\b)))"
/* what went wrong, as an English subject */
#define EN_WHAT "(?:this\\s+one|(?:the|this|our|my|that)\\s+(?:issue|problem|error|errors|alert|alerts|symptom|symptoms|" \
	"behaviou?r|crash(?:es)?|failure|incident|warning|warnings|detection|false\\s+positive|case|ticket|SR|matter)|" \
	"it|everything|things)"

/* ------------------------------------------------------------ resolution */

const char *const sm_def_res_phrases[] = {
	/* Japanese: the problem's state ended (解決, 解消, 復旧 + a past ending) */
	"(?:解決|解消|復旧|収束|回復|修復)" JA_PAST,
	"(?:解決|解消)(?:です|でございます)(?![かね])",
	"(?:解決|解消|復旧|回復)(?:する|させる)?こと(?:が|も)?\\s*でき(?:ました|た(?![らか]))",
	"(?:解決|解消)と(?:なります|させていただきます|いたします|します)",
	"(?:無事|おかげさまで|ようやく|問題|事象|現象|エラー)?(?:は|が|も|に)?\\s*"
	"(?:直|治|なお)(?:りました|った(?![らか])|っています|っております)",
	"改善(?:いた)?(?:しました|されました|しております|しています)",
	/* the finding as a noun: 解消を確認いたしました, 復旧が確認できました */
	"(?:解決|解消|復旧|改善|正常化)\\s*(?:を|が)\\s*確認(?:いたしました|しました|できました|でき(?:ております|ています)|されました|済み)",
	/* no longer happens: 発生しなくなりました, 出なくなった, 検知されなくなりました */
	"(?:発生し|再現し|起き|起こら|出|表示され|検知され|検出され|通知され|記録され|上がら|鳴ら|"
	"落ち|固まら|フリーズし|クラッシュし|失敗し|ブロックされ|エラーになら)" JA_NOLONGER,
	"(?:問題|エラー|事象|現象|症状|アラート|警告|遅延|誤検知)(?:メッセージ)?\\s*(?:が|は|も)?\\s*"
	"(?:なくな|消え|収ま|おさま|止ま)(?:りました|った(?![らか])|っています|っております|ました|ています|ております)",
	/* works again: 使えるようになりました, 正常に動作しております, 元に戻りました */
	"(?:(?:でき|使え|動作す|動作でき|動け|稼働す|起動す|起動でき|接続でき|通信でき|ログインでき|アクセスでき|"
	"更新でき|同期でき|登録でき|インストールでき|成功す|開け|見え|受信でき|送信でき|取得でき|実行でき|"
	"スキャンでき|オンボードでき)る|動く|開く|通る|届く)ようにな(?:りました|った(?![らか])|っています|っております)",
	"(?:正常|問題なく|無事)\\s*(?:に)?\\s*(?:動作|稼働|動い|機能|起動|接続|通信|連携|同期|スキャン|オンボード|"
	"利用|使用|アクセス|ログイン|受信|送信|更新|閲覧)"
	"(?:し|でき|され)?(?:て(?:おり|い)ます|ました|ている|た(?![らか])|ております)",
	"(?:本件|この件|事象|問題|エラー|こちら)(?:は|も)?\\s*(?:もう|すっかり)\\s*大丈夫(?:です|になりました|でございます)",
	"(?:元(?:に|通りに?|どおりに?)|正常(?:な状態)?に|通常(?:の状態)?に)\\s*戻(?:りました|った(?![らか])|っています|っております)",
	/* since then it has not happened: その後、エラーは発生しておりません */
	"(?:その後|以降|以来|後は|後も|現在は|今は|それから|もう)[^。\\n]{0,24}?(?:発生|再現|検知|検出|表示|出力|記録|通知|起き|出)(?:されて|して|て)?"
	"(?:おりません|いません|いない|ません|ない)",
	/* the case may be closed: クローズ + join + permission or request */
	"(?:クローズ|close)(?:処理|扱い)?" JA_JOIN JA_PERMIT,
	"(?:本件|ケース|チケット|(?:お)?問い?合わ?せ)\\s*(?:は|を)?\\s*閉じ(?:て)?" JA_JOIN JA_PERMIT,
	"閉じて(?:ください|下さい|いただけ|頂け|もらえ)",
	/* クローズのご対応をお願いします, クローズのほどよろしくお願いいたします */
	"(?:クローズ|終了)(?:処理)?\\s*の\\s*(?:ご)?(?:対応|手続き|処理|ほど)\\s*(?:を)?\\s*(?:よろしく)?\\s*" JA_PERMIT,
	"(?:クローズ|終了|完了)\\s*(?:と|に)\\s*させて(?:いただ|頂)(?:き(?:ます|たく|たい)|ければ|けます)",
	"(?:本件|この件|本ケース|このケース|(?:お)?問い?合わ?せ|ケース|チケット|案件|対応|調査)\\s*"
	"(?:は|を|も|につきましては|については)?\\s*(?:これにて|こちらで|以上で)?\\s*(?:終了|完了|終結)" JA_JOIN JA_PERMIT,
	"(?:本件|この件|本ケース|このケース)\\s*(?:は)?\\s*(?:これにて|以上で)?\\s*(?:終了|完了|解決)(?:です|となります|とします|といたします)",
	/* no more support needed: 対応不要となりました, これ以上の調査は必要ございません */
	"(?:対応|調査|サポート|支援|作業)\\s*(?:は|も)?\\s*"
	"(?:不要|必要(?:は)?(?:ありません|ございません|なくなりました|ない|なし))(?:となりました|になりました|です|でございます|と(?:なり|し)ます)?",
	"(?:お)?問い?合わ?せ(?:を)?\\s*(?:取り?下げ|取下げ)",
	/* English: what went wrong is now resolved / fixed / gone */
	"\\b" EN_WHAT "\\s+(?:is|are|has\\s+been|have\\s+been|was|were|got|'s)\\s+"
	"(?:now\\s+|finally\\s+|fully\\s+|completely\\s+|totally\\s+|definitely\\s+)*"
	"(?:resolved|solved|fixed|sorted|gone|cleared|corrected)(?:\\s+(?:out|up))?\\b",
	"\\b" EN_WHAT "\\s+(?:is|are|'s)\\s+(?:now\\s+|finally\\s+)?(?:working|functioning|running|back)\\s+"
	"(?:again|now|fine|normally|properly|correctly|as\\s+expected|to\\s+normal|up|online)\\b",
	"\\b" EN_WHAT "\\s+(?:now\\s+)?(?:works|work)\\s+(?:again|now|fine|perfectly|properly|correctly|as\\s+expected)\\b",
	"\\b(?:issue|problem|error|alert|crash|warning|symptom|positive|detection)(?:s|es)?\\s+"
	"(?:(?:has|have)\\s+)?(?:gone\\s+away|went\\s+away|disappeared|stopped|cleared(?:\\s+up)?|vanished|subsided)\\b",
	"\\bno\\s+longer\\s+(?:occur|happen|appear|reproduc|show|fire|trigger|fail|crash|hang|freez|see|get|receiv|"
	"observ|detect|report|generat|block|flag|quarantin)\\w*",
	"\\bno\\s+longer\\s+(?:an?\\s+)?(?:issue|problem)\\b",
	/* non-native: "the error is not occurred anymore", "does not happen again since" */
	"\\b(?:not|n't)\\s+(?:\\w+\\s+)?(?:occur|happen|appear|reproduc|show|come|fire|trigger|recur)\\w*\\s+"
	"(?:(?:anymore|any\\s+more)\\b|again\\s+(?=since|after))",
	"\\b(?:we|I)\\s+could\\s+(?:finally\\s+|successfully\\s+)?(?:solve|resolve|fix)\\s+"
	"(?:it|the\\s+(?:issue|problem|error)|this\\s+(?:issue|problem)|our\\s+(?:issue|problem))\\b",
	"\\b(?:has|have)(?:\\s+not|n't)\\s+(?:recurred|reoccurred|reappeared|returned|come\\s+back|"
	"happened\\s+again|occurred\\s+again|been\\s+(?:seen|observed|reported)\\s+(?:again|since))\\b",
	"\\bdid(?:\\s+not|n't)\\s+(?:recur|reoccur|reappear|return|come\\s+back|happen\\s+again|occur\\s+again)\\b",
	"\\bno\\s+(?:recurrence|reoccurrence)\\b",
	"\\b(?:have\\s+not|haven't|did\\s+not|didn't|had\\s+not|hadn't)\\s+(?:seen|see|had|observed|received|gotten|got)\\s+"
	"(?:the|this|that|any|a\\s+single)\\s+(?:\\w+\\s+){0,2}?(?:error|issue|problem|alert|crash|failure|incident|"
	"warning|detection)s?\\s+(?:since|again|anymore|any\\s+more)\\b",
	"\\bno\\s+(?:new\\s+|further\\s+|more\\s+)?(?:errors?|alerts?|crash(?:es)?|issues?|problems?|failures?|"
	"incidents?|warnings?|detections?)\\s+(?:since|after|have\\s+been\\s+(?:seen|observed|reported|raised)|so\\s+far)\\b",
	"\\b(?:fixed|resolved|solved|sorted)\\s+(?:it|this\\s+one|the\\s+(?:issue|problem|error)|our\\s+(?:issue|problem)|this\\s+(?:issue|problem))\\b",
	"\\b(?:that|this|it)\\s+worked\\b",
	"\\b(?:fix|patch|update|hotfix|workaround|steps?|solution|suggestion|change|procedure|reboot|restart)\\b"
	"[^.!?\\n]{0,40}?\\bworked\\b",
	"\\b(?:happy|fine|ok|okay|good)\\s+for\\s+(?:this|the|our|it)(?:\\s+(?:case|ticket|SR|request))?\\s+to\\s+be\\s+closed\\b",
	"\\bnothing\\s+(?:more|else|further)\\s+to\\s+do\\b",
	"\\bclosing\\s+(?:this|it|the\\s+case)\\s+out\\b",
	"(?m)(?:^\\s*|(?<=[.!:;,-])\\s*)(?:it'?s\\s+|all\\s+|everything'?s?\\s+(?:is\\s+)?)?(?:working|works)\\s+"
	"(?:fine|again|now|properly|perfectly|as\\s+expected)\\b",
	"\\bdid\\s+the\\s+trick\\b",
	/* terse: "issue resolved, thanks" (not release notes: "issue fixed in 4.18...") */
	"(?m)(?:^\\s*|(?<=[.!:;,])|(?<=[.!:;,] ))(?:issue|problem)\\s+(?:now\\s+)?(?:resolved|solved|fixed)\\b"
	"(?!\\s+(?:in|by\\s+(?:update|KB)))",
	"\\bproblem\\s+solved\\b",
	"\\b(?:were|was|have\\s+been|are)\\s+able\\s+to\\s+(?:resolve|fix|solve)\\s+(?:it|the\\s+(?:issue|problem|error))",
	"\\bmanaged\\s+to\\s+(?:resolve|fix|solve)\\s+(?:it|the\\s+(?:issue|problem|error))",
	"\\b(?:everything|all|things)\\s+looks?\\s+(?:good|fine|ok|okay|normal)\\s+now\\b",
	"\\b(?:not|n't)\\s+(?:seeing|getting|having|experiencing|receiving)\\s+(?:the|this|that|any)\\s+(?:\\w+\\s+){0,2}?"
	"(?:error|issue|problem|alert|crash|failure|warning|detection)s?\\s+(?:anymore|any\\s+more)\\b",
	"(?m)(?:^\\s*|(?<=[.!:;,])\\s*)(?:confirmed\\s+|all\\s+)?(?:resolved|solved|fixed|sorted)"
	"(?:\\s+(?:now|here|on\\s+our\\s+(?:end|side)|(?:after|with|since)\\s+(?:the|a|an|our)\\s+[^.!?,\\n]{1,30}))?\\s*(?:[.!,]|$)",
	/* ステータス：解決, 結論：解決しました (not 未解決, 解決策) */
	"(?:ステータス|状況|状態|結果|結論|対応状況)\\s*[:：]\\s*(?:解決|解消|完了|クローズ)(?![策方法]|\\s*(?:待ち|予定|見込み|できず|せず))",
	"(?m)(?:^\\s*|(?<=[.!:;,])\\s*)(?:the\\s+)?(?:issue|problem)\\s+(?:is|has\\s+been)\\s+(?:now\\s+)?(?:resolved|solved|fixed)\\b",
	"\\ball\\s+good\\s+now\\b",
	"(?<=we're |we are |I'm |I am )all\\s+set\\b(?!\\s+up)",
	/* English: the case may be closed */
	"\\b(?:please|kindly|pls|plz)\\s+(?:go\\s+ahead\\s+and\\s+|kindly\\s+|feel\\s+free\\s+to\\s+)?close\\s+(?:out\\s+)?" EN_CASE,
	"\\bproceed\\s+(?:with\\s+|to\\s+)?clos(?:e|ing)\\s+(?:out\\s+)?" EN_CASE,
	"\\b(?:you|we)\\s+(?:may|can|could)\\s+(?:now\\s+|safely\\s+|go\\s+ahead\\s+and\\s+)*close\\s+(?:out\\s+)?" EN_CASE,
	"\\b(?:could|can|would|will)\\s+you\\s+(?:please\\s+|kindly\\s+)?(?:go\\s+ahead\\s+and\\s+)?close\\s+(?:out\\s+)?" EN_CASE,
	"\\b(?:feel\\s+free|(?:it\\s+is\\s+|it's\\s+)?(?:OK|okay|fine|safe|good)|happy\\s+for\\s+you)\\s+to\\s+close" EN_CASE_OR_END,
	"\\bgo\\s+ahead\\s+and\\s+close" EN_CASE_OR_END,
	/* non-native: "No problem to close this case", "There is no problem anymore" */
	"\\bno\\s+(?:problem|objection)s?\\s+(?:to|with|for\\s+(?:you|us)\\s+to)\\s+clos(?:e|ing)" EN_CASE_OR_END,
	"\\b(?:there\\s+(?:is|are)\\s+)?no\\s+(?:more\\s+)?(?:problems?|issues?|errors?)\\s+(?:anymore|any\\s+more)\\b",
	"\\b(?:we|I)(?:'d|\\s+would)\\s+like\\s+(?:you\\s+)?to\\s+close\\s+(?:out\\s+)?" EN_CASE,
	"\\b(?:the|this|our)(?:\\s+(?:case|ticket|request|SR|one|matter))?\\s+(?:can|may|could)\\s+(?:now\\s+|safely\\s+)?be\\s+closed\\b",
	"\\b(?:the|this|our)\\s+(?:case|ticket|request|SR)\\s+is\\s+no\\s+longer\\s+(?:needed|required)\\b",
	"\\b(?:consider|mark|treat|set)\\s+(?:this|it|the\\s+(?:case|ticket|issue|request|SR|matter))(?:\\s+(?:case|ticket|request|issue|matter))?\\s+"
	"(?:as\\s+)?(?:resolved|solved|closed|complete|completed|done)\\b",
	"\\bno\\s+(?:further|more|additional)\\s+(?:action|assistance|help|support|investigation|work|troubleshooting)\\s+"
	"(?:is\\s+|will\\s+be\\s+)?(?:needed|required|necessary)\\b",
	"\\bnothing\\s+(?:further|else|more)\\s+(?:is\\s+)?(?:needed|required)\\b",
	"\\b(?:we|I)\\s+(?:no\\s+longer|don't|do\\s+not)\\s+need\\s+(?:any\\s+)?(?:further\\s+|more\\s+)?(?:assistance|help|support)\\b",
	NULL,
};

const char *const sm_def_res_negations[] = {
	"\\bnot\\b",
	"n't\\b",
	"\\bnever\\b",
	"\\bno\\s+longer\\b",
	"\\bpartially\\b",
	"\\bpartly\\b",
	"\\bpartial\\b",
	"\\bonly\\s+some\\b",
	"\\b(?:none|neither|nor)\\b",
	"未",
	"一部",
	"部分的",
	"(?:少し|多少|若干|やや|ある程度|半分|完全には)",
	"(?:言い|いい)(?:難|がた|づら)い|とは(?:限ら|言え)",
	"(?<!問題|支障|差し支え|差支え|問題は)ない",
	"(?<!問題あり|問題ござい|問題はあり|問題はござい|差し支えあり|差し支えござい|差支えあり|差支えござい|"
	"支障あり|支障ござい|構い|かまい)ません",
	NULL,
};

const char *const sm_def_res_conditions[] = {
	/* not the polite "we'd appreciate it if you could close the case" */
	"(?<!appreciate )(?<!appreciate it )(?<!grateful )(?<!thankful )\\bif\\b", "\\bunless\\b", "\\bonce\\b", "\\bwhen\\b", "\\bwhether\\b",
	"\\balthough\\b", "\\bthough\\b", "\\bin\\s+case\\b",
	"\\b(?:seems?|appears?|apparently|probably|possibly|maybe|perhaps|likely|hopefully|presumably|supposedly)\\b",
	"\\b(?:expect\\w*|assum\\w*|for\\s+now|so\\s+far|temporar\\w*|tentative\\w*|workaround)\\b",
	/* a modal right before the phrase: "the patch should have fixed it" */
	"(?<!\\byou\\s)(?<!\\bwe\\s)\\b(?:should|would|could|might|may|will|must)(?:\\s+not|n't)?\\s+(?:(?:have|be|now|then|probably|hopefully|also)\\s+)*\\s{3,}",
	/* not the polite "〜いただければ幸いです", "〜いただけたらと存じます" */
	"場合", "たら(?!\\s*(?:幸い|助かり|うれし|嬉し|と(?:思|存)))", "れば(?!\\s*(?:幸い|助かり|と(?:思|存)))",
	"なら(?!びに)", "としたら", "とすれば", "仮に", "もし",
	"予定", "見込み", "はず", "かもしれ", "可能性", "と思われ", "よう(?:です|だ|でございます)", "みたい", "らしい",
	"模様", "でしょう(?!か)", "確認中", "検証中", "調査中", "期待", "暫定", "一時的", "回避",
	/* only for a while: "worked for a day only", 直ったのは一瞬だけでした */
	"一瞬", "束の間", "つかの間", "短時間", "\\bfor\\s+(?:a|one|two|a\\s+few|few|several|\\d+)\\s+(?:\\w+\\s+)?"
	"(?:day|days|hour|hours|minute|minutes|while)\\s+only\\b", "\\bonly\\s+for\\s+(?:a|one|two|a\\s+few|few|several|\\d+)\\b",
	"\\bbriefly\\b",
	NULL,
};

const char *const sm_def_res_questions[] = {
	"か\\s*[。.]?\\s*$",
	"かどうか",
	"^\\s*(?:is|are|has|have|did|does|do|was|were)\\s",
	NULL,
};

/* An opinion rather than a finding: "I think it is fixed", たぶん直ったと思います,
 * 直ったような気がします.  It does not govern a clause that asks or permits to
 * close ("I think you can close the case", クローズで問題ないと思います). */
const char *const sm_def_res_hedges[] = {
	"\\b(?:I|we)\\s+(?:\\w+\\s+)?(?:think|believe|guess|suppose|feel|reckon)\\b",
	"\\b(?:looks?|looking|sounds?)\\s+(?:like|as\\s+if|as\\s+though)\\b",
	"\\b(?:not\\s+(?:sure|certain)|in\\s+my\\s+opinion|IMO|AFAIK|as\\s+far\\s+as\\s+I\\s+(?:can\\s+)?(?:tell|know))\\b",
	"たぶん|多分|恐らく|おそらく|きっと|どうやら|一応",
	"気が(?:します|する|いたします|しております)",
	/* と思います after a finding (not 〜いただければと, 〜したいと) */
	"(?<![ばくい])と(?:思|存じ|考え)",
	"っぽい|ぽいです",
	NULL,
};

/* What asks or permits to close: a hedge does not make it tentative. */
const char *const sm_def_res_acts[] = {
	"クローズ|閉じ|(?:終了|完了|終結)\\s*(?:と|に)\\s*(?:させ|して|します|いたし)|\\bclos(?:e|ed|ing)\\b",
	NULL,
};

/* Reported speech: the author cites what was said or thought earlier. */
const char *const sm_def_res_reported[] = {
	"と(?:お|ご)?(?:伝え|申し上げ|報告|連絡|知らせ|書|記載|言|話|回答|案内|聞|伺|返信|メール)[^。]{0,12}?(?:た|ています|ております)",
	"とのこと",
	"[」』]\\s*(?:と|って)",
	"と(?:思って|考えて|理解して)(?:い|お)",
	"と思(?:いました|った)",
	"\\b(?:I|we)\\s+(?:had\\s+|have\\s+)?(?:wrote|written|said|mentioned|told\\s+(?:you|support)|reported|informed\\s+you|"
	"stated|thought|believed|assumed|claimed)\\b",
	"\\byou\\s+(?:had\\s+|have\\s+)?(?:said|wrote|written|mentioned|told\\s+(?:me|us)|stated|confirmed|claimed)\\b",
	"\\baccording\\s+to\\b",
	"\\b(?:user|users|customer|customers|team|they|he|she)\\s+(?:says|say|said|claims?|reports?|reported)\\b",
	"\\b(?:was|were|had\\s+been)\\s+(?:reported|marked|thought|believed|declared)\\b",
	"\\b(?:engineer|support|agent|technician)\\s+(?:said|wrote|told|mentioned)\\b",
	NULL,
};

/* A question that is a polite request to close. */
const char *const sm_def_res_requests[] = {
	"\\b(?:could|can|would|will)\\s+you\\s+(?:please\\s+|kindly\\s+)?(?:go\\s+ahead\\s+and\\s+)?(?:close|mark)\\b",
	"(?:クローズ|終了|完了)[^。?]{0,16}?(?:いただけ|頂け|もらえ|くださ|お願いでき|願え)",
	NULL,
};

/* The case goes on: it came back, it still fails, keep it open, keep investigating. */
const char *const sm_def_res_continues[] = {
	"再発",
	"再び",
	"ぶり返",
	"再度\\s*(?:発生|出|起|同じ|エラー|表示|検知)",
	"また(?:\\s*同(?:じ|様の))?(?:\\s*(?:事象|エラー|問題|現象|アラート|警告|症状|誤検知|検知))?\\s*(?:が|も)?\\s*"
	"(?:発生|出て|出ま|出た|起き|起こ|再現|表示|検知され|上が)",
	"引き続き(?!\\s*(?:よろしく|宜しく|どうぞ|お世話|ご愛顧|ご指導|ご高配))",
	"継続(?!\\s*(?:して)?\\s*(?:利用|使用|契約|購入))",
	"依然",
	"まだ\\s*[^\\s。、]{0,8}?(?:発生|出て|起き|再現|続い|残っ|表示され|検知され)",
	/* watching from now on (様子を見ましたが問題ありません watched: done) */
	"様子を(?:見|み)(?!ました|た(?!い)|ておりましたが|ていましたが)",
	"経過(?:を)?観察(?!しました|した|の結果|いたしました)",
	"(?:監視|観察)を(?:続け|継続)",
	"クローズ(?:は|を)?\\s*(?:まだ|しばらく|今しばらく)?\\s*(?:しないで|せず|待って|保留|控えて|見送って|ご遠慮)",
	"(?:オープン|開いた|未完了)のまま",
	"新たに[^。]{0,20}?(?:発生|出て|出ま|起き|見つか)",
	"\\b(?:recurr|reoccurr|reappear|resurfac)\\w*",
	"\\b(?:came|comes|coming|has\\s+come|have\\s+come)\\s+back\\b(?!\\s+(?:to\\s+normal|up|online|healthy|to\\s+(?:work|you|us)))",
	"\\b(?:error|issue|problem|alert|crash|symptom|warning|failure|it|they)s?\\s+(?:is|are|'s)\\s+back\\b"
	"(?!\\s+(?:to\\s+normal|up|online|healthy))",
	"\\b(?:happen|occur|appear|fail|crash|show|start|see|get|trigger|fire|return|reproduc|hit)\\w*\\s+(?:\\w+\\s+){0,2}?again\\b",
	"\\bstill\\b(?:(?!\\b(?:not|no|never)\\b|n't)[^.!?\\n]){0,30}?\\b(?:occur|happen|see|fail|broken|get|hav|persist|"
	"appear|show|reproduc|open|investigat|wait|need|requir|error|crash|stuck|present|affect|trigger|fir|exist|"
	"pending|unresolved)\\w*",
	"\\bstill\\s+(?:does\\s+not|doesn't|do\\s+not|don't|is\\s+not|isn't|are\\s+not|aren't|not)\\s+work\\w*",
	"\\bstill\\s+no\\s+luck\\b",
	"\\b(?:keep|leave)\\s+(?:the|this|it|our)\\s*(?:case|ticket|SR|request)?\\s+open\\b",
	"\\b(?:remain|stay)s?\\s+open\\b",
	"\\b(?:do\\s+not|don't|please\\s+don't|not\\s+yet)\\s+close\\b",
	"\\bnot\\s+(?:ready|able)\\s+to\\s+close\\b",
	"\\bhold\\s+off\\s+(?:on\\s+)?clos\\w*",
	"\\b(?:monitor|watch|observe)\\s+(?:it|this|the\\s+(?:situation|system|servers?|devices?|machines?|environment|endpoints?)|"
	"for\\s+(?:a|another|some|the|few|\\d))",
	"\\bkeep\\s+(?:an\\s+eye|monitoring|watching|investigating|looking|working|troubleshooting|analy[sz]ing)",
	/* we are still checking (not: "Defender is monitoring", "I am confirming that ...") */
	"\\b(?:(?:we|I)(?:'re|'m|\\s+are|\\s+am)|still)\\s+(?:still\\s+)?(?:verifying|confirming|checking|testing|validating|"
	"monitoring|investigating)\\b(?!\\s+that\\b)",
	"\\b(?:continue|continuing|further)\\s+(?:to\\s+)?(?:investigat|troubleshoot|look|work|analy)\\w*",
	"\\b(?:a|another)\\s+(?:new\\s+)?(?:error|alert|issue|problem|crash|failure)s?\\s+(?:has\\s+|have\\s+)?"
	"(?:appeared|occurred|started|come\\s+up|showed\\s+up|popped\\s+up)",
	NULL,
};

/* Another case (a clause about it resolves nothing here) and this case. */
const char *const sm_def_other_case[] = {
	"別件",
	"別の\\s*(?:SR|ケース|件|案件|(?:お)?問い?合わ?せ|チケット|リクエスト|問題|事象)",
	"他の\\s*(?:SR|ケース|件|案件|(?:お)?問い?合わ?せ|チケット)",
	"もう\\s*(?:一|ひと)つの\\s*(?:SR|ケース|件|案件|(?:お)?問い?合わ?せ|チケット)",
	"(?:前回|以前|過去|先日)の\\s*(?:SR|ケース|件|案件|(?:お)?問い?合わ?せ|チケット)",
	"\\b(?:the|our|my|that)\\s+other\\s+(?:case|SR|ticket|request|issue|one)\\b",
	"\\banother\\s+(?:case|SR|ticket|request)\\b",
	"\\b(?:a\\s+)?(?:different|separate)\\s+(?:case|SR|ticket|request|issue)\\b",
	"\\b(?:previous|earlier|old|older|prior)\\s+(?:case|SR|ticket|request|issue)\\b",
	"\\bother\\s+(?:cases|SRs|tickets)\\b",
	NULL,
};

const char *const sm_def_this_case[] = {
	"本件",
	"本\\s*(?:SR|ケース|案件|(?:お)?問い?合わ?せ|チケット)",
	"この\\s*(?:件|SR|ケース|案件|(?:お)?問い?合わ?せ|チケット)",
	"今回の\\s*(?:件|SR|ケース|案件|(?:お)?問い?合わ?せ)",
	"こちらの\\s*(?:件|ケース|SR)",
	"\\bthis\\s+(?:case|SR|ticket|request|one)\\b",
	"\\b(?:our|my)\\s+(?:case|SR|ticket)\\b",
	NULL,
};

/* A case named as the source of the fix or as the thing set apart, not as
 * the clause's topic: blanked before the scope is read (前回のケースと同じ手順で
 * 解決しました, "the previous ticket's workaround fixed it", 本件とは別に…). */
#define CASE_OTHER "(?:(?:前回|以前|過去|先日|別|他)の|もう(?:一|ひと)つの)\\s*(?:SR|ケース|件|案件|(?:お)?問い?合わ?せ|チケット)"
#define CASE_NUM "(?:(?:SR|Case|Ticket|TrackingID)\\s*(?:No\\.?|番号|#|:)?\\s*)?\\d{16}(?:-?\\d{3})?"
const char *const sm_def_case_refs[] = {
	"(?:" CASE_OTHER "|" CASE_NUM ")\\s*(?:[)）]\\s*)?(?:と同じ|と同様|で(?:ご)?案内|で(?:ご)?提示|で(?:ご)?教示|で教|"
	"の(?:手順|回避策|方法|対処|対策|設定|パッチ|修正|ナレッジ|回答))",
	"\\b(?:same\\s+as|like|from|as\\s+in|as\\s+with|similar\\s+to|as\\s+suggested\\s+in)\\s+(?:(?:the|our|my|a|an)\\s+)?"
	"(?:(?:previous|earlier|other|old|prior|another|different)\\s+(?:case|SR|ticket|request|one)\\b|" CASE_NUM ")",
	"\\b(?:previous|earlier|other|old|prior)\\s+(?:case|SR|ticket|request)(?:'s)\\s+(?:fix|workaround|steps|solution|patch|answer)",
	"(?:本件|この件|本ケース|このケース)\\s*(?:とは|と)?\\s*(?:別に|は別で|関係(?:なく|ありませんが))",
	"\\b(?:apart\\s+from|besides|unrelated\\s+to|other\\s+than|separately\\s+from)\\s+this\\s+(?:case|SR|ticket|one)\\b",
	NULL,
};

/* Clause boundaries (rules_clause.c). */
const char *const sm_def_contrast[] = {
	"(?<=ます|です|ました|でした|ません|ございます|おります)が",
	"(?<=した|った|いた|んだ|だ|ない|たい|いる|ある|する|れる)が(?=\\s*[、,])",
	"ですが(?=\\s*[、,])",
	"けれども|けれど|けど|ものの|にもかかわらず|しかし(?:ながら)?|ところが|とはいえ|但し|ただし",
	"(?:のに|ただ|でも|一方(?:で)?)(?=\\s*[、,])",
	"\\b(?:but|however|although|though|nevertheless|nonetheless|unfortunately|except\\s+that|that\\s+said|"
	"having\\s+said\\s+that|even\\s+so)\\b",
	"\\b(?:yet|still)(?=\\s*,)",
	NULL,
};

const char *const sm_def_causal[] = {
	/* after a predicate or の, not inside a word (もので, 改めて) */
	"(?<=[たいるすだなん]|ます|です)ので(?!しょう|す|は(?:ない|ありません))", "(?<=[たいるすだの]|ます)ため", "(?<=[たすだい])から(?=\\s*[、,])", ";",
	"\\b(?:so|therefore|because|since|hence|thus)\\b",
	NULL,
};

/* Two main clauses joined by a comma ("You can close the ticket, we'll reach
 * out if it happens again", クローズで結構です、再発したら連絡します): a clause
 * boundary, so that a condition in the second does not govern the first;
 * not when the sentence opened with a condition ("If it works, I'll be happy
 * for you to close"), which governs what follows its comma. */
const char *const sm_def_splice[] = {
	",(?=\\s*(?:we|I|they|you)(?:'ll|'d|\\s+will|\\s+would|\\s+shall|\\s+plan|\\s+intend)\\b)",
	"(?<=です|ます|ました)\\s*、",
	/* the て-form: 様子を見て、問題なければ… (the condition governs what follows) */
	"(?<=て)\\s*、",
	NULL,
};

const char *const sm_def_openers[] = {
	"\\b(?:if|once|when|unless|whether|until|after|in\\s+case|provided)\\b",
	"場合|たら|れば|なら(?!びに)|もし|仮に",
	NULL,
};

/* ------------------------------------------------------------ automatic replies */

#define AUTO_OPEN "[\\[【(<《〔「『〈{]"
#define AUTO_CLOSE "[\\]】)>》〕」』〉}]"

const char *const sm_def_auto_subjects[] = {
	AUTO_OPEN "\\s*(?:自動応答|自動返信|自動送信|自動通知|不在(?:通知|連絡|のお知らせ|のご連絡|中)?|休暇(?:中)?(?:のお知らせ)?|"
	"Out\\s+of\\s+(?:the\\s+)?Office|OOO|OOF|Automatic\\s+(?:reply|response)|Auto[- ]?(?:reply|response)|Autoreply|Away)\\s*" AUTO_CLOSE,
	"(?:^|[\\s:\\]】)>》])(?:自動応答|自動返信|Automatic\\s+reply|Auto[- ]?Reply|AutoReply|Autosvar|R[ée]ponse\\s+automatique|"
	"Respuesta\\s+autom[áa]tica|Risposta\\s+automatica|Automatische\\s+Antwort|Abwesenheitsnotiz|Abwesend|Absence|Ausente|"
	"Afwezig|Fuori\\s+sede|自動回覆|自动回复|不在(?:通知|中)?|"
	"OOO|OOF)\\s*:",
	"Out\\s+of\\s+(?:the\\s+)?Office",
	"不在(?:通知|のお知らせ|連絡|のご連絡)",
	"休暇(?:中)?のお知らせ",
	NULL,
};

/* What an automatic reply says about itself in its body. */
const char *const sm_def_auto_bodies[] = {
	"(?:この|本|当)\\s*(?:メール|メッセージ|e-?mail)\\s*(?:は|につきましては)\\s*[^。\\n]{0,20}?"
	"自動(?:応答|返信|送信|配信|通知|で送|的に送)",
	"自動(?:応答|返信)(?:メール|メッセージ)?\\s*(?:です|でございます|にて失礼)",
	"\\bthis\\s+is\\s+an?\\s+(?:automatic|automated|auto-generated|auto)\\s*-?\\s*(?:reply|response|message|e-?mail|notification)",
	"\\bthis\\s+(?:e-?mail|message|reply)\\s+(?:is|was|has\\s+been)\\s+(?:sent\\s+|generated\\s+)?"
	"(?:automatically|automated|auto-generated)",
	/* 不在のため自動返信しております, 【自動返信】 on a line of its own */
	"自動(?:的に)?(?:応答|返信|送信|配信)(?:を)?(?:して|いたして|させて(?:いただいて)?|されて)(?:おり|い)ます",
	"(?m)^\\s*" AUTO_OPEN "\\s*(?:自動応答|自動返信|自動送信|不在(?:通知|連絡)?|Auto[- ]?Reply|Automatic\\s+reply|"
	"Out\\s+of\\s+(?:the\\s+)?Office)\\s*" AUTO_CLOSE "\\s*$",
	/* out of office: 誠に勝手ながら…休暇, 外出中のためご返信は…以降となります, I am away until */
	"誠に勝手ながら[^。\\n]{0,40}?(?:休暇|不在|休業|外出|出張)",
	"(?:休暇|不在|外出|出張|休業)(?:中)?(?:の|に)ため[^。\\n]{0,30}?(?:以降|後)(?:と|に)なります",
	"\\bI\\s+am\\s+(?:currently\\s+)?(?:out\\s+of\\s+(?:the\\s+)?office|away|on\\s+(?:annual\\s+|parental\\s+)?leave|"
	"on\\s+vacation|on\\s+holiday)\\s+(?:until|till|through)\\b",
	NULL,
};

/* ------------------------------------------------------------ the Subject's status */

/* The author's own status tag in the Subject: 【解決】, [Resolved], "Resolved -
 * please close", クローズ依頼 (rules_eval.c: read when the new text says
 * nothing either way; not 【未解決】, "Resolved?", 解決策). */
const char *const sm_def_res_subjects[] = {
	AUTO_OPEN "\\s*(?:解決(?:済み?|しました|いたしました)?|解消(?:済み?|しました|いたしました)?|"
	"クローズ(?:依頼|希望|のお願い|願い|可)?|完了|対応完了|Resolved|Solved|Fixed|Closed?|Close\\s+request|"
	"Please\\s+close|Request\\s+to\\s+close|Issue\\s+resolved)\\s*" AUTO_CLOSE,
	"(?:^|[\\]】)>:」]\\s*|\\s[-–]\\s*)(?:Resolved|Solved|Fixed|Issue\\s+(?:resolved|fixed)|"
	"解決(?:済み?|しました|いたしました)|解消(?:済み?|しました|いたしました))\\s*(?:$|[-–:/|,、]|please\\s+close|クローズ)",
	"クローズ(?:の)?(?:依頼|お願い|希望|願い)|\\brequest\\s+to\\s+close\\b|"
	"\\bplease\\s+close(?:\\s+(?:the|this|our)\\s+(?:case|ticket|SR|request))?(?=\\s*(?:$|[-–:/|,.!]))",
	NULL,
};

/* Support's last mail asks whether it may close ("May we close this case?",
 * クローズしてもよろしいでしょうか), read in the first bytes of the history ... */
const char *const sm_def_res_close_questions[] = {
	"\\b(?:may|can|shall|could)\\s+(?:we|I)\\s+(?:go\\s+ahead\\s+and\\s+|now\\s+)?close\\s+(?:this|the|your)\\s+"
	"(?:case|ticket|SR|request|incident)\\b[^.!?\\n]{0,40}\\?",
	"\\b(?:is\\s+it|would\\s+it\\s+be)\\s+(?:ok|okay|alright|all\\s+right|fine)\\s+(?:for\\s+(?:us|me)\\s+)?to\\s+close\\b[^.!?\\n]{0,40}\\?",
	"\\bdo\\s+you\\s+agree\\s+(?:that\\s+)?(?:we|I)\\s+(?:can\\s+)?close\\b[^.!?\\n]{0,40}\\?",
	"クローズ(?:処理)?\\s*(?:させて|して|と\\s*させて)?\\s*(?:いただいて|頂いて|いただき|頂き)?\\s*(?:も)?\\s*"
	"(?:よろしい|宜しい|差し支えない|差し支えございません|問題ない|問題ございません|構わない|大丈夫)(?:でしょうか|ですか|か)",
	NULL,
};

/* ... and the new text answers it with a bare yes, on a line of its own
 * (not "OK, I will check", not 承知しました). */
const char *const sm_def_res_answers[] = {
	"(?m)^\\s*(?:yes|yep|yeah|sure|ok|okay|agreed|of\\s+course|no\\s+objection|that's\\s+fine|fine\\s+by\\s+(?:me|us))"
	"(?:\\s*[,.!]?\\s*(?:please\\s+)?(?:go\\s+ahead|do|close\\s+it|you\\s+can|you\\s+may|thanks?|thank\\s+you|"
	"please))*\\s*[.!]*\\s*$",
	"(?m)^\\s*(?:please\\s+)?go\\s+ahead(?:\\s+and\\s+close(?:\\s+it)?)?\\s*[,.!]*\\s*(?:thanks?|thank\\s+you)?\\s*[.!]*\\s*$",
	"(?m)^\\s*(?:はい|ええ)?\\s*[、,]?\\s*(?:問題(?:ありません|ございません|ないです)|差し支え(?:ありません|ございません)|"
	"構いません|かまいません|大丈夫です|結構です|お願い(?:します|いたします|致します))\\s*[。!！.]*\\s*$",
	"(?m)^\\s*(?:はい|ええ)\\s*[。!！.]?\\s*$",
	NULL,
};

/* The new text says this case is not solved: the Subject's tag does not count. */
const char *const sm_def_res_unresolved[] = {
	"未解決|未解消|解決(?:して|され|でき)て?(?:い|お)?(?:ません|ない|ず)|解消(?:して|され|でき)て?(?:い|お)?(?:ません|ない|ず)",
	"(?:直|治)(?:って(?:い|お)?(?:ません|ない)|らない|りません)",
	"\\b(?:not|n't|never)\\s+(?:yet\\s+|been\\s+|really\\s+|fully\\s+)*(?:resolved|fixed|solved|working|sorted)\\b|\\bunresolved\\b",
	NULL,
};

/* Reply and forward prefixes in the languages customers' clients use. */
const char *const sm_def_prefixes[] = {
	"^\\s*(?:(?:RE|FW|FWD|AW|WG|TR|SV|VS|RV|RES|ENC|Antw|Odp|答复|回复|转发|回覆|轉寄|返信|転送|回覧|自動応答|自動返信|"
	"Automatic reply|Auto[- ]?Reply)\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*:\\s*)+",
	NULL,
};

/* ------------------------------------------------------------ severity A */

#define SEV_NOUN "(?:重大度|重要度|優先度|緊急度|深刻度|Severity|Sev|Priority|プライオリティ|セベリティ|シビラティ)"
/* the highest level: A (not A社, Aランク), 最高, Critical */
#define SEV_TOP "(?:(?-i:A)(?![A-Za-z0-9]|\\s*(?:社|ランク|級|クラス|区分|評価|判定|グループ))|最高(?:レベル|ランク)?|最上位|" \
	"クリティカル|Critical)"
/* the top level as the target of a raise: Aランク, A レベル count there */
#define SEV_TO "(?:(?-i:A)\\s*(?:ランク|レベル|クラス)?(?![A-Za-z0-9]|\\s*社)|最高(?:レベル|ランク)?|最上位|クリティカル|Critical)"
/* a named top level that needs no noun before it */
#define SEV_NAMED_A "Sev(?:erity)?\\s*[-.:]?\\s*(?-i:A)(?![A-Za-z0-9])"
#define SEV_NAMED_TOP "(?:クリティカル|Critical|最高レベル|最上位)"
#define SEV_RAISE "(?:に|へ)(?:の)?\\s*(?:は|も)?\\s*(?:(?:引き)?上げ|変更|格上げ|昇格|アップ|設定|切り?替え|エスカレ|し(?:て|た|ま))"
#define SEV_ASK "(?:希望|お願い|願|ください|下さい|いただ|頂|ほしい|欲しい|もらえ|したい|依頼|要望|要請)"
#define SEV_HOW "\\s*(?:で|として|での|扱いで|対応で)?\\s*(?:の)?\\s*" \
	"(?:(?:ご)?(?:対応|サポート|調査|扱|処理|対処|エスカレーション|相当|再分類|分類し直|変更|格上げ|昇格)[^\\s。、]{0,4}?)?\\s*(?:を|で)?\\s*" \
	"(?:(?:に|へ)\\s*(?:切り?替え|変更し|移行し|格上げし|引き上げ)て?|して)?\\s*" SEV_ASK
#define EN_TOP "(?:(?:severity|sev)\\s*[-.:]?\\s*(?-i:A)(?![A-Za-z0-9])|critical(?:\\s+severity)?\\b|sev\\s*-?\\s*1\\b|severity\\s+1\\b|" \
	"the\\s+highest(?:\\s+(?:severity|level|priority))?\\b)"
#define SEV_WANT "(?:\\b(?:we|I)(?:'d|'re|'m)?\\s+(?:\\w+\\s+){0,2}?(?:need|want|request|require|like|asking\\s+for|demand)|" \
	"(?m:^)\\s*(?:need|requesting|request)|(?<=[.!?;:,])\\s*(?:need|requesting|request))\\b" \
	"(?:(?!\\b(?:not|no)\\b)[^.?!\\n;]){0,40}?\\b"
#define EN_RAISE "(?:raise|change|increase|upgrade|escalate|bump|move|set|elevate|switch|update|reclassify|push)\\w*"

const char *const sm_def_sev_phrases[] = {
	/* 重大度を A に上げてください, 重要度Aでの対応を希望, 優先度を最高に変更 */
	SEV_NOUN "\\s*(?:レベル)?\\s*(?:を|は|が)?\\s*(?:レベル)?\\s*[\"'「]?\\s*" SEV_TO "\\s*[\"'」]?\\s*(?:レベル)?\\s*" SEV_RAISE,
	/* 重要度を「高」から「A」へ変更 */
	SEV_NOUN "\\s*(?:を|は|が)?[^。\\n]{0,16}?から\\s*[\"'「]?\\s*" SEV_TO "\\s*[\"'」]?\\s*" SEV_RAISE,
	SEV_NOUN "\\s*(?:レベル)?\\s*(?:を|は|が|[:=])?\\s*[\"'「]?\\s*" SEV_TOP "\\s*[\"'」]?" SEV_HOW,
	/* Sev A に上げて, クリティカルでお願いします */
	SEV_NAMED_A "\\s*" SEV_RAISE,
	SEV_NAMED_A SEV_HOW,
	SEV_NAMED_TOP "\\s*" SEV_RAISE,
	SEV_NAMED_TOP SEV_HOW,
	/* 24x7 / 24時間対応 asked for */
	"24\\s*(?:(?:x|×|/|時間)\\s*(?:7|365)(?:\\s*日)?|時間(?:\\s*365\\s*日)?)\\s*(?:体制)?\\s*(?:での|の|で)?\\s*(?:ご)?"
	"(?:対応|サポート|調査)\\s*(?:を|が|で)?\\s*(?:して)?\\s*(?:" SEV_ASK "|必要)",
	"(?:希望|変更後の?)\\s*" SEV_NOUN "\\s*[:=]?\\s*" SEV_TOP,
	/* English: raise the severity to A, escalate this case to Sev A, make it critical */
	"\\b" EN_RAISE "\\s+(?:(?:the|this|our|its|my)\\s+)?(?:(?:case|ticket|SR|request|incident)(?:'s)?\\s+)?"
	"(?:severity|sev|priority)(?:\\s+level)?(?:\\s+of\\s+(?:this|the|our|my)\\s+(?:case|SR|ticket|request))?\\s+"
	"(?:up\\s+)?(?:to|into)\\s+(?:an?\\s+|the\\s+)?(?:" EN_TOP "|(?-i:A)(?![A-Za-z0-9]))",
	"\\b" EN_RAISE "\\s+(?:(?:the|this|our|my)\\s+(?:case|ticket|SR|request|incident)|it|this)\\s+(?:up\\s+)?(?:to|into)\\s+"
	"(?:an?\\s+|the\\s+)?" EN_TOP,
	"\\b" EN_RAISE "\\s+(?:up\\s+)?to\\s+(?:an?\\s+)?" EN_TOP,
	"\\b(?:treat|handle|process|classify|mark|flag|log|reclassify|work)\\w*\\s+(?:this|it|the\\s+(?:case|issue|ticket|SR|request)|"
	"our\\s+(?:case|issue|ticket))\\s+(?:as\\s+)?(?:an?\\s+)?" EN_TOP,
	"\\bmake\\s+(?:this|it|the\\s+case|our\\s+case)\\s+(?:an?\\s+)?" EN_TOP,
	/* we need / request / would like ... Sev A, critical severity, 24x7 */
	SEV_WANT "(?:severity|sev)\\s*[-.:]?\\s*(?:(?-i:A)|1)\\b",
	SEV_WANT "critical\\s+severity",
	SEV_WANT "24\\s*(?:x|/)\\s*7",
	SEV_WANT "round[- ]the[- ]clock",
	"\\b(?:severity|sev|priority)\\s*(?:level\\s*)?(?:should|must|needs?\\s+to|has\\s+to)\\s+be\\s+"
	"(?:raised\\s+to\\s+|changed\\s+to\\s+|set\\s+to\\s+)?(?:(?:severity|sev)\\s*)?(?-i:A)\\b",
	"\\bplease\\b(?:(?!\\b(?:not|no)\\b)[^.?!\\n;]){0,50}?\\b(?:(?:severity|sev)\\s*-?\\s*(?-i:A)|critical\\s+severity|sev\\s*-?\\s*1)\\b",
	"\\b(?:severity|sev)\\s*-?\\s*(?-i:A)\\b[^.?!\\n;]{0,20}?\\bplease\\b",
	"\\b(?:requested|desired|new|target)\\s+(?:severity|sev|priority)\\s*[:=]\\s*(?-i:A)\\b",
	NULL,
};

const char *const sm_def_sev_negations[] = {
	"\\bnot\\b", "n't\\b", "\\bno\\s+need\\b", "\\bno\\s+longer\\b", "不要", "必要(?:は)?(?:ありません|ございません|ない)",
	"のまま", "維持", "\\b(?:keep|stay|remain|leave)\\w*\\b", "(?:では|じゃ)なく",
	"(?<!問題|支障|差し支え|でき|いただけ|頂け|もらえ)ない(?!でしょうか|か)",
	/* the word used for something else: the customer's own system, an asset class */
	"社内|自社|\\binternal(?:ly)?\\b|\\bin[- ]house\\b|\\bour\\s+own\\b|\\bin\\s+our\\s+(?:system|tool|ticket\\w*|tracker|ITSM|CMDB|ServiceNow)\\b",
	"資産|分類|区分|格付|等級|\\basset\\s+class\\w*|\\bclassification\\b|\\bdata\\s+class\\w*",
	/* a product object's own severity: an alert's, a detection rule's, a CVE's
	 * (the phrase itself is blanked when this is read: "ルールの" + spaces) */
	"(?:アラート|検出|検知|ルール|インジケーター|インジケータ|脆弱性|CVE|CVSS|ポリシー|イベント|通知)(?:の)?\\s*(?:" SEV_NOUN "|\\s)",
	"\\b(?:alert|detection|rule|indicator|IOC|vulnerabilit(?:y|ies)|CVE|CVSS|event|policy|notification)s?\\s+(?:severity|priority)\\b",
	"\\b(?:severity|priority)\\s+of\\s+(?:the|this|these|our|an?)\\s+(?:custom\\s+)?(?:alert|detection|rule|indicator|vulnerabilit|CVE)",
	/* what severity A means, or how to ask for it */
	"基準|定義|意味|違い|とは|方法|手順|どう(?:すれば|したら|やって)|"
	"\\b(?:criteria|definition|meaning|difference|how\\s+(?:do|can|to|would|should)|what\\s+(?:is|are|does))\\b",
	NULL,
};

const char *const sm_def_sev_conditions[] = {
	"場合", "\\bif\\b(?!\\s+(?:possible|at\\s+all\\s+possible|you\\s+(?:can|could)))", "必要(?:があれば|なら|に応じて)", "\\bin\\s+case\\b",
	"もし(?!よろしければ)", "仮に", "たら(?!\\s*(?:幸い|助かり|うれし|嬉し))", "れば(?!\\s*(?:幸い|助かり|と(?:思|存)))",
	NULL,
};

/* A report of what happened (opened by phone, was raised) or a past request. */
const char *const sm_def_sev_reported[] = {
	"(?<!お願いし)(?<!希望し)(?:でした|ました|いたしました|いただいた|頂いた|もらった)\\s*[。.!]?\\s*$",
	/* 依頼済みです, 起票済 */
	"済み?(?:です|でございます|となります|となっております)?\\s*[。.!]?\\s*$",
	"\\b(?:I|we)\\s+(?:have\\s+|had\\s+|already\\s+|just\\s+)*(?:opened|raised|called|filed|submitted|created|logged|requested|"
	"phoned|contacted)\\b",
	"\\b(?:was|were|has\\s+been|have\\s+been|had\\s+been)\\s+(?:raised|changed|upgraded|escalated|opened|set|moved|bumped|created|logged)\\b",
	"\\b(?:last\\s+time|previously|yesterday|last\\s+week)\\b",
	NULL,
};

/* ------------------------------------------------------------ feature requests */

const char *const sm_def_feat_phrases[] = {
	"機能(?:追加|要望|改善)(?:を|の)?",
	"改善要望",
	"製品(?:への)?(?:改善)?要望",
	"\\bfeature\\s+requests?\\b",
	"\\bplease\\s+add\\s+(?:a\\s+|an\\s+|the\\s+)?(?:new\\s+)?(?:feature|option|setting|capability|support\\s+for)",
	"\\b(?:would\\s+like|want)\\s+(?:you\\s+|Microsoft\\s+)?to\\s+add\\s+(?:a\\s+|an\\s+)?(?:new\\s+)?(?:feature|option)",
	"\\bdesign\\s+change\\s+request\\b",
	NULL,
};

const char *const sm_def_none[] = {NULL};
