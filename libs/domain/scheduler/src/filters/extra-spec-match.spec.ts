import { matchesExtraSpec } from './extra-spec-match';

describe('matchesExtraSpec', () => {
  it.each([
    ['plain equality', 'gold', 'gold', true],
    ['plain inequality', 'gold', 'silver', false],
    ['"=" means at least', '8', '= 4', true],
    ['"=" below', '2', '= 4', false],
    ['numeric ==', '4.0', '== 4', true],
    ['numeric !=', '4', '!= 4', false],
    ['numeric >=', '5', '>= 4', true],
    ['numeric <=', '5', '<= 4', false],
    ['non-numeric value never matches a numeric operator', 'many', '>= 4', false],
    ['string s==', 'abc', 's== abc', true],
    ['string s!=', 'abc', 's!= abc', false],
    ['string s< orders as text', '10', 's< 9', true],
    ['string s<=', 'abc', 's<= abc', true],
    ['string s>', 'b', 's> a', true],
    ['string s>=', 'a', 's>= b', false],
    ['<in> substring', 'avx2 sse4', '<in> avx2', true],
    ['<in> missing', 'sse4', '<in> avx2', false],
    ['<all-in> every word', 'avx2 sse4 aes', '<all-in> aes avx2', true],
    ['<all-in> one missing', 'avx2 sse4', '<all-in> aes avx2', false],
    ['<or> one of', 'b', '<or> a <or> b <or> c', true],
    ['<or> none of', 'd', '<or> a <or> b <or> c', false],
    ['operator without operand', '4', '>=', false],
  ])('%s', (_case, value, requirement, expected) => {
    expect(matchesExtraSpec(value, requirement)).toBe(expected);
  });
});
