"""WTForms' own messages in Vietnamese (WTForms ships no Vietnamese catalogue).

A field's own validators carry our messages; these are the ones WTForms gives by itself: a
choice that is not in the list, a date or number it cannot read, a field left out. The values
posted are never repeated in a message (a refusal must not echo what an attacker typed).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "This field is required.": "Vui lòng điền thông tin này.",
    "Invalid input.": "Thông tin chưa đúng.",
    "Invalid email address.": "Địa chỉ thư điện tử chưa đúng.",
    "Invalid URL.": "Địa chỉ trang web chưa đúng.",
    "Invalid value, must be one of: %(values)s.": "Giá trị chưa đúng. Hãy chọn trong danh sách.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị này không được phép.",
    "This field cannot be edited.": "Không sửa được thông tin này.",
    "This field is disabled and cannot have a value.": "Không sửa được thông tin này.",
    "Invalid CSRF Token.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "CSRF token missing.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "CSRF failed.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "CSRF token expired.": "Phiên làm việc đã hết hạn. Hãy tải lại trang và thử lại.",
    "Invalid Choice: could not coerce.": "Lựa chọn gửi lên không hợp lệ. Hãy chọn lại.",
    "Choices cannot be None.": "Chưa có lựa chọn nào. Hãy tải lại trang.",
    "Not a valid choice.": "Lựa chọn gửi lên không hợp lệ. Hãy chọn lại.",
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        "Lựa chọn gửi lên không hợp lệ. Hãy chọn lại."
    ),
    "'%(value)s' is not a valid choice for this field.": (
        "Lựa chọn gửi lên không hợp lệ. Hãy chọn lại."
    ),
    "'%(value)s' are not valid choices for this field.": (
        "Lựa chọn gửi lên không hợp lệ. Hãy chọn lại."
    ),
    "Not a valid datetime value.": "Ngày giờ chưa đúng.",
    "Not a valid date value.": "Ngày chưa đúng. Hãy nhập theo dạng ngày/tháng/năm.",
    "Not a valid time value.": "Giờ chưa đúng. Hãy nhập theo dạng giờ:phút.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Field must be equal to %(other_name)s.": "Hai ô phải giống nhau.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Cần đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Cần đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Cần từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": "Số nhỏ nhất là %(min)s.",
    "Number must be at most %(max)s.": "Số lớn nhất là %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày sớm nhất là %(min)s.",
    "Date must be at most %(max)s.": "Ngày muộn nhất là %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
}


class VietnameseTranslations:
    """The ``gettext`` / ``ngettext`` pair WTForms asks its form's ``Meta`` for."""

    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = VietnameseTranslations()
