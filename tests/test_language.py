"""Language detection on two-line channel posts written for these tests."""

from __future__ import annotations

import pytest

from recruitwatch.language import detect_language


@pytest.mark.parametrize(
    ("post", "language"),
    [
        ("Міноборони рф знову підняло виплати контрактникам.\nТепер це 2 млн рублів одразу.", "uk"),
        ("У Бєлгороді оголосили набір добровольців.\nОбіцяють 200 тисяч на місяць.", "uk"),
        ("Набір у армію.\nПлатять 200 тисяч.", "uk"),
        ("Минобороны снова подняло выплаты контрактникам.\nТеперь это 2 млн рублей сразу.", "ru"),
        ("Набор в армию.\nПлатят 200 тысяч.", "ru"),
        ("Контракт с Минобороны.\nВыплата 400 тысяч рублей.", "ru"),
        ("Ресей армиясы Қазақстан азаматтарын шақырады.\nБіржолғы төлем 2 млн рубль.", "kk"),
        ("Шекарадан күн сайын 9 мыңға жуық адам өтеді.\nОлардың көбі Ресей азаматтары.", "kk"),
        ("Resei armiasy Qazaqstan azamattaryn şaqyrady.\nBirjolğy tölem 2 mln rubl.", "kk"),
        ("Şekaradan kün saiyn 9 myñğa juyq adam ötedi.\nOlardyñ köbi Resei azamattary.", "kk"),
        ("Russia raises the sign-on bonus again.\nNow 2 million rubles upfront.", "en"),
        ("Мобілізація в росії триває.\nВоєнкомати шукають чоловіків.", "uk"),
        ("Зараз набирають на контракт.\nПлатять добре, умови прості.", "uk"),
        ("Сейчас набирают на контракт.\nПлатят хорошо, условия простые.", "ru"),
        ("Путін підписав указ про призов.\nДо армії заберуть 130 тисяч.", "uk"),
        ("Путин подписал указ о призыве.\nВ армию заберут 130 тысяч.", "ru"),
        ("Армияға шақыру басталды.\nМерзімді қызметке 130 мың адам алынады.", "kk"),
        ("Reseide jumys bar.\nAilyǵy 300 myń teńge.", "kk"),
        # Kazakh typed in plain Latin letters: the model says Uzbek, kk.yaml's words say Kazakh.
        ("Resei armiasy jumysshy izdeidi.\nAilygy 300 myn tenge, kelisimshart bir jylga.", "kk"),
    ],
)
def test_two_line_posts(post: str, language: str) -> None:
    assert detect_language(post) == language


def test_a_russian_post_quoting_a_ukrainian_name_stays_russian() -> None:
    post = "Проект «Хочу жить» опубликовал новые данные о вербовке.\nВ Київ приехали журналисты."
    assert detect_language(post) == "ru"


def test_too_little_text_keeps_the_default() -> None:
    assert detect_language("200 тыс.", default="ru") == "ru"


def test_a_long_run_of_letters_is_read_in_bounded_time() -> None:
    import time

    detect_language("Resei armiasy izdeidi. myn tenge")  # the model and word lists load once
    started = time.monotonic()
    detect_language("Resei " + "q" * 20_000 + " myn tenge " + "q " * 5_000)
    assert time.monotonic() - started < 1.0
