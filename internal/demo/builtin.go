package demo

// The built-in part of the country, for a demo without the official lists:
// Gia Lai and Bình Định before 2025 (a few of their districts and communes)
// and the new Gia Lai they became. Hand-written in the official lists'
// format, so the demo goes through the same importer as real data.

const builtinOld = `code,name,level,parent_code,kind
52,Tỉnh Bình Định,province,,Tỉnh
64,Tỉnh Gia Lai,province,,Tỉnh
540,Thành phố Quy Nhơn,district,52,Thành phố
551,Huyện Tuy Phước,district,52,Huyện
622,Thành phố Pleiku,district,64,Thành phố
625,Huyện Chư Păh,district,64,Huyện
632,Huyện Chư Prông,district,64,Huyện
21553,Phường Trần Hưng Đạo,commune,540,Phường
21556,Phường Lê Lợi,commune,540,Phường
21559,Phường Lý Thường Kiệt,commune,540,Phường
21562,Phường Nguyễn Văn Cừ,commune,540,Phường
21577,Xã Nhơn Châu,commune,540,Xã
21913,Thị trấn Tuy Phước,commune,551,Thị trấn
21916,Thị trấn Diêu Trì,commune,551,Thị trấn
21919,Xã Phước Thắng,commune,551,Xã
21922,Xã Phước Hưng,commune,551,Xã
23563,Phường Diên Hồng,commune,622,Phường
23566,Phường Ia Kring,commune,622,Phường
23569,Phường Hội Thương,commune,622,Phường
23572,Phường Hội Phú,commune,622,Phường
23575,Phường Phù Đổng,commune,622,Phường
23584,Xã Biển Hồ,commune,622,Xã
23590,Xã Chư HDrông,commune,622,Xã
23602,Thị trấn Phú Hòa,commune,625,Thị trấn
23605,Xã Hà Tây,commune,625,Xã
23608,Xã Ia Khươl,commune,625,Xã
23611,Xã Ia Phí,commune,625,Xã
23614,Thị trấn Ia Ly,commune,625,Thị trấn
23650,Thị trấn Chư Prông,commune,632,Thị trấn
23653,Xã Ia Kly,commune,632,Xã
23656,Xã Bình Giáo,commune,632,Xã
23659,Xã Ia Drăng,commune,632,Xã
`

const builtinNew = `code,name,level,parent_code,kind
52,Tỉnh Gia Lai,province,,Tỉnh
21553,Phường Quy Nhơn,commune,52,Phường
21577,Xã Nhơn Châu,commune,52,Xã
21913,Xã Tuy Phước,commune,52,Xã
21919,Xã Tuy Phước Đông,commune,52,Xã
23563,Phường Pleiku,commune,52,Phường
23575,Phường Hội Phú,commune,52,Phường
23584,Phường Biển Hồ,commune,52,Phường
23602,Xã Chư Păh,commune,52,Xã
23611,Xã Ia Ly,commune,52,Xã
23650,Xã Chư Prông,commune,52,Xã
23659,Xã Ia Băng,commune,52,Xã
`

const builtinMapping = `level,new_code,new_name,old_code,old_name,share
province,52,Tỉnh Gia Lai,52,Tỉnh Bình Định,full
province,52,Tỉnh Gia Lai,64,Tỉnh Gia Lai,full
commune,21553,Phường Quy Nhơn,21553,Phường Trần Hưng Đạo,full
commune,21553,Phường Quy Nhơn,21556,Phường Lê Lợi,full
commune,21553,Phường Quy Nhơn,21559,Phường Lý Thường Kiệt,full
commune,21553,Phường Quy Nhơn,21562,Phường Nguyễn Văn Cừ,full
commune,21577,Xã Nhơn Châu,21577,Xã Nhơn Châu,full
commune,21913,Xã Tuy Phước,21913,Thị trấn Tuy Phước,full
commune,21913,Xã Tuy Phước,21916,Thị trấn Diêu Trì,partial
commune,21919,Xã Tuy Phước Đông,21916,Thị trấn Diêu Trì,partial
commune,21919,Xã Tuy Phước Đông,21919,Xã Phước Thắng,full
commune,21919,Xã Tuy Phước Đông,21922,Xã Phước Hưng,full
commune,23563,Phường Pleiku,23563,Phường Diên Hồng,full
commune,23563,Phường Pleiku,23566,Phường Ia Kring,full
commune,23563,Phường Pleiku,23569,Phường Hội Thương,full
commune,23575,Phường Hội Phú,23572,Phường Hội Phú,full
commune,23575,Phường Hội Phú,23575,Phường Phù Đổng,full
commune,23584,Phường Biển Hồ,23584,Xã Biển Hồ,full
commune,23584,Phường Biển Hồ,23590,Xã Chư HDrông,full
commune,23602,Xã Chư Păh,23602,Thị trấn Phú Hòa,full
commune,23602,Xã Chư Păh,23605,Xã Hà Tây,full
commune,23611,Xã Ia Ly,23608,Xã Ia Khươl,full
commune,23611,Xã Ia Ly,23611,Xã Ia Phí,full
commune,23611,Xã Ia Ly,23614,Thị trấn Ia Ly,full
commune,23650,Xã Chư Prông,23650,Thị trấn Chư Prông,full
commune,23650,Xã Chư Prông,23653,Xã Ia Kly,full
commune,23659,Xã Ia Băng,23656,Xã Bình Giáo,full
commune,23659,Xã Ia Băng,23659,Xã Ia Drăng,full
`
